#!/bin/sh
# Prints a JDK home with Java >= 21: $JAVA_HOME if it qualifies, else the newest JDK under /usr/lib/jvm.
major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
  echo "$JAVA_HOME"; exit 0
fi
best=""; best_v=0
for d in /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
  [ -x "$d/bin/javac" ] || continue
  v=$(major "$d"); case "$v" in ''|*[!0-9]*) continue;; esac
  if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v=$v; fi
done
if [ -z "$best" ]; then
  echo "No JDK >= 21 found: install one (e.g. Temurin 21) and set JAVA_HOME" >&2; exit 1
fi
echo "$best"
