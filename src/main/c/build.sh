#!/bin/sh
# Builds the native guard (haven-guard) into $1; Maven runs this in the compile phase, so tests find it too.
# Without a usable C compiler the build goes on with one warning, and each node runs the Java guard instead
# (haven.guard.GuardLink falls back when no haven-guard sits beside the jar). A compiler that rejects the code fails
# the build: the warnings are errors here, as for the Java code.
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=$1
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1 || ! printf '#include <stdio.h>\nint main(void){return 0;}\n' | "$cc" -x c -o /dev/null - >/dev/null 2>&1; then
  echo "[WARNING] haven: no working C compiler ('$cc' with libc headers): the native guard is not built, so nodes run the Java guard (about 37 MB more per node). Install gcc and libc6-dev (scripts/install-deps) and build again." >&2
  rm -f "$out"
  exit 0
fi
mkdir -p "$(dirname "$out")"
"$cc" -std=c11 -O2 -Wall -Wextra -Werror -o "$out.tmp" "$src"/*.c
mv -f "$out.tmp" "$out"
