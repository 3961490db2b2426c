#!/usr/bin/env bash
# Prints the path of a Java 25 (or newer) runtime: JAVA_HOME, then PATH, then /usr/lib/jvm.
# Exits 127, saying so, when there is none. Used by the scripts that run Warden's classes directly.
set -euo pipefail
for j in "${JAVA_HOME:-}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] || continue
    v="$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then echo "$j"; exit 0; fi
done
echo "$(basename "${0}"): needs a Java 25 JDK (JAVA_HOME, PATH or /usr/lib/jvm)" >&2
exit 127
