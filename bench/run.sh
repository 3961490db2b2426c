#!/usr/bin/env bash
# Builds the benchmarks and runs JMH; arguments go to JMH (e.g. a benchmark regex, -f 1).
#   bench/run.sh                       # everything (about 8 minutes on 2 cores)
#   bench/run.sh WorkloadBench -p workload=fnv1a
# The native baseline is built with gcc -O2 into bench/target/native/ on first use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./mvnw -q -B -o -pl bench -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
bash bench/workloads/build.sh native bench/target/native
java=""
for j in "${JAVA_HOME:-}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] || continue
    v="$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then java="$j"; break; fi
done
[ -n "$java" ] || { echo "bench/run.sh: needs a Java 25 JDK" >&2; exit 127; }
exec "$java" --enable-native-access=ALL-UNNAMED -Dwarden.workloads="$root/bench/workloads" \
    -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.openjdk.jmh.Main "$@"
