#!/usr/bin/env bash
# Evidence that mpk-bridge isolates, on a machine with memory protection keys (Intel 'pku').
#
#   mpk-bridge/scripts/pku-evidence.sh prepare
#       On the build machine (JDK 25): builds mpk-bridge.jar and a jlinked java.base runtime into
#       mpk-bridge/target/pku-evidence/ (about 30 MiB; the target machine needs no Java).
#   mpk-bridge/scripts/pku-evidence.sh run [--java DIR] [--jar FILE] [--mode protection-keys|mprotect] [--pairs N]
#       On the target machine: prints the CPU's flags, then runs dev.warden.mpk.Evidence, which shows
#       (1) a write inside a scope succeeds, (2) the same write outside a scope kills a child JVM with
#       SIGSEGV (si_code SEGV_PKUERR, at the written address), (3) the parent is unharmed, (4) the cost
#       of one enter+exit pair. Without 'pku' it prints "not supported: <reason>" and exits 2;
#       --mode mprotect runs the same evidence with the mprotect fallback.
#       DIR defaults to mpk-bridge/target/pku-evidence/jre, FILE to mpk-bridge/target/pku-evidence/mpk-bridge.jar.
#
# With the device tool: run "mpk-bridge/scripts/pku-evidence.sh run" carrying mpk-bridge/target/pku-evidence.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$(dirname "$here")"
root="$(dirname "$module")"
out="$module/target/pku-evidence"

find_jdk() {
    local candidates=()
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    for d in /usr/lib/jvm/*; do candidates+=("$d"); done
    for d in "${candidates[@]}"; do
        if [ -x "$d/bin/jlink" ] && "$d/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; then
            echo "$d"; return 0
        fi
    done
    return 1
}

case "${1:-}" in
    prepare)
        jdk="$(find_jdk)" || { echo "pku-evidence: needs a JDK 25 with jlink (set JAVA_HOME)" >&2; exit 1; }
        (cd "$root" && JAVA_HOME="$jdk" ./mvnw -q -B -o -pl mpk-bridge -DskipTests package)
        rm -rf "$out"
        mkdir -p "$out"
        "$jdk/bin/jlink" --add-modules java.base --strip-debug --no-man-pages --no-header-files \
            --compress zip-6 --output "$out/jre"
        cp "$module"/target/mpk-bridge-*.jar "$out/mpk-bridge.jar"
        du -sh "$out"
        ;;
    run)
        shift
        java_dir="$out/jre"
        jar="$out/mpk-bridge.jar"
        args=()
        while [ $# -gt 0 ]; do
            case "$1" in
                --java) java_dir="$2"; shift 2 ;;
                --jar) jar="$2"; shift 2 ;;
                *) args+=("$1"); shift ;;
            esac
        done
        [ -x "$java_dir/bin/java" ] || { echo "pku-evidence: no java in $java_dir (run '$0 prepare' first)" >&2; exit 1; }
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
        flags="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -Ex 'pku|ospke' | tr '\n' ' ' || true)"
        echo "cpu flags needed (pku ospke): ${flags:-absent}"
        echo "kernel: $(uname -sr)"
        exec "$java_dir/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
            -cp "$jar" dev.warden.mpk.Evidence ${args[@]+"${args[@]}"}
        ;;
    *)
        sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
        exit 64
        ;;
esac
