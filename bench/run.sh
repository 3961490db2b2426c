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
java="$(scripts/java25.sh)"
exec "$java" --enable-native-access=ALL-UNNAMED -Dwarden.workloads="$root/bench/workloads" \
    -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.openjdk.jmh.Main "$@"
