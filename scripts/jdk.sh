# Sourced: sets HAVEN_JDK to a JDK >= 21 (JAVA_HOME if it qualifies, else the newest under /usr/lib/jvm).
for d in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
  [ -n "$d" ] && [ -x "$d/bin/javac" ] || continue
  v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2; exit}' | cut -d. -f1)
  if [ -n "$v" ] && [ "$v" -ge 21 ]; then HAVEN_JDK="$d"; export HAVEN_JDK; break; fi
done
[ -n "${HAVEN_JDK:-}" ] || { echo "no JDK >= 21 found" >&2; exit 3; }
