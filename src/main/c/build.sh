#!/bin/sh
# Builds the native guard (haven-guard) into $1, beside it the lab's upload service (haven-lab-upload) and haven-rdir (the replicated directory's FUSE layer,
# src/main/c/rdir) where libfuse3's headers are installed; Maven runs this in the compile phase, so tests find them.
# Without a usable C compiler the build goes on with one warning, and each node runs the Java guard instead
# (haven.guard.GuardLink falls back when no haven-guard sits beside the jar); without libfuse3 replicated-dir
# resources refuse to start, saying what to install. A compiler that rejects the code fails the build: the
# warnings are errors here, as for the Java code.
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=$1
rdir=$(dirname "$out")/haven-rdir
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1 || ! printf '#include <stdio.h>\nint main(void){return 0;}\n' | "$cc" -x c -o /dev/null - >/dev/null 2>&1; then
  echo "[WARNING] haven: no working C compiler ('$cc' with libc headers): the native guard is not built, so nodes run the Java guard (about 37 MB more per node). Install gcc and libc6-dev (scripts/install-deps) and build again." >&2
  rm -f "$out" "$rdir"
  exit 0
fi
mkdir -p "$(dirname "$out")"
"$cc" -std=c11 -O2 -Wall -Wextra -Werror -o "$out.tmp" "$src"/*.c
mv -f "$out.tmp" "$out"
# The lab's upload service (haven lab bench replication, the replicated directory's lab test).
"$cc" -std=c11 -O2 -Wall -Wextra -Werror -o "$(dirname "$out")/haven-lab-upload.tmp" "$src"/lab/upload-server.c
mv -f "$(dirname "$out")/haven-lab-upload.tmp" "$(dirname "$out")/haven-lab-upload"
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists fuse3; then
  # shellcheck disable=SC2046
  "$cc" -std=c11 -O2 -Wall -Wextra -Werror -o "$rdir.tmp" "$src"/rdir/*.c $(pkg-config --cflags --libs fuse3) -lpthread
  mv -f "$rdir.tmp" "$rdir"
else
  echo "[WARNING] haven: libfuse3's headers are missing (pkg-config fuse3): haven-rdir is not built, so replicated-dir resources cannot start. Install fuse3, libfuse3-dev and pkg-config (scripts/install-deps) and build again." >&2
  rm -f "$rdir"
fi
