#!/usr/bin/env bash
# The protection-key evidence of mpk-bridge and of the runtime in one command, for a machine with
# Intel 'pku' that is lent briefly and has no Java (issue 12 §4; docs/mpk.md, "Reproduce on pku
# hardware").
#
#   scripts/device-evidence.sh prepare
#       Here (JDK 25): builds the runtime and its modules, and puts into target/device-evidence/ a
#       jlinked runtime of only the Java modules the evidence needs (jdeps decides) and only the jars
#       it loads: Warden's modules and ANTLR's runtime. No Z3, java-smt or solver natives: the
#       evidence verifies its programs with Z3 off (the domains decide them). Prints the size.
#   scripts/device-evidence.sh run [--quick] [--java DIR] [--cp CLASSPATH]
#       There: (d) the machine's facts (CPU, flags, kernel, cores, memory, load); (a) mpk-bridge's
#       evidence (mpk-bridge/scripts/pku-evidence.sh) with protection keys and with the mprotect
#       fallback; (b) maps under the key through the host API: a host write outside a run kills a
#       child JVM with SEGV_PKUERR (SEGV_ACCERR under mprotect) at the written address, the parent
#       unharmed; (c) the cost of invoking an empty extension under NONE, PROTECTION_KEYS and
#       MPROTECT, alternated, and host map throughput from 1 to 16 threads. Ends with one summary line.
#       Writes everything to $OUT/device-evidence.txt (child JVM reports to $OUT/reports) when $OUT is
#       set, and to stdout. --quick: the same steps with short measurements (for checks, not numbers).
#       --java/--cp: another Java 25 and class path instead of the bundle's (for tests).
#       Exit status: 0 every claim shown; 2 the protection-key claims are not supported on this machine
#       (everything else shown); 3 a cost goal missed (everything shown); 1 a claim failed or a step
#       broke. The worst wins: 1, then 2, then 3.
#
# With the device tool: run(command="scripts/device-evidence.sh run", carry=["target/device-evidence"],
# timeout_s=420) after 'prepare' here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="$root/target/device-evidence"

usage() {
    sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'
    exit 64
}

prepare() {
    local java jdk
    java="$("$root/scripts/java25.sh")"
    jdk="$(dirname "$(dirname "$(readlink -f "$java")")")"
    [ -x "$jdk/bin/jlink" ] && [ -x "$jdk/bin/jdeps" ] || { echo "device-evidence: $jdk has no jlink/jdeps (set JAVA_HOME to a JDK 25)" >&2; exit 1; }
    (cd "$root" && JAVA_HOME="$jdk" ./mvnw -q -B -o -pl runtime -am -DskipTests package dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime)
    rm -rf "$bundle"
    mkdir -p "$bundle/lib"
    # Warden's own jars, and of the third-party ones only ANTLR's runtime (the assembler's parser).
    local jars=("$root/runtime/target/runtime-"*.jar)
    local entry
    while IFS= read -r entry; do
        case "$entry" in
            "$root"/*.jar|*/antlr4-runtime-*.jar) jars+=("$entry") ;;
            "") ;;
            *) echo "left out: $(basename "$entry")" ;;
        esac
    done < <(tr ':' '\n' < "$root/runtime/target/classpath.txt"; echo)
    cp "${jars[@]}" "$bundle/lib/"
    local modules
    modules="$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 \
        -cp "$(printf '%s:' "${jars[@]}")" "${jars[@]}")"
    "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
        --compress zip-6 --output "$bundle/jre"
    {
        echo "built $(date -u +%FT%TZ) from $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD || echo ' (uncommitted changes)')"
        echo "java modules: $modules"
        echo "jars: $(cd "$bundle/lib" && ls | tr '\n' ' ')"
    } > "$bundle/MANIFEST.txt"
    cat "$bundle/MANIFEST.txt"
    du -sh "$bundle/jre"
    du -sh "$bundle/lib"
    du -sh "$bundle"
}

# Every step's status, for the summary line and the exit status.
steps=()
worst=0

# Records step $1's exit status $2 as ok / not supported / goal missed / FAILED, and its time since $3 ($SECONDS).
record() {
    local name="$1" rc="$2" word
    case "$rc" in
        0) word="ok" ;;
        2) word="not supported" ;;
        3) word="goal missed" ;;
        124) word="FAILED (timed out)"; rc=1 ;;
        *) word="FAILED (exit $rc)"; rc=1 ;;
    esac
    echo "-- $name: $word in $((SECONDS - $3)) s"
    steps+=("$name: $word")
    # Severity order 1 > 2 > 3 > 0.
    local rank=(0 3 2 1)
    [ "${rank[$rc]}" -gt "${rank[$worst]}" ] && worst="$rc"
    return 0
}

facts() {
    echo "== d machine facts"
    echo "date: $(date -u +%FT%TZ)"
    echo "kernel: $(uname -srvm)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    local flags
    flags="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -Ex 'pku|ospke' | tr '\n' ' ' || true)"
    echo "cpu flags needed (pku ospke): ${flags:-absent}"
    echo "cores: $(nproc) online, $(grep -c '^processor' /proc/cpuinfo) in /proc/cpuinfo"
    echo "memory: $(grep -m1 MemTotal /proc/meminfo | tr -s ' ')"
    echo "load average: $(cat /proc/loadavg)"
    echo "kernel command line mentions pku: $(grep -o '[a-z_]*pku[a-z_]*' /proc/cmdline || echo no)"
    echo "java: $("$java_dir/bin/java" -version 2>&1 | head -1)"
    [ -f "$bundle/MANIFEST.txt" ] && [ "$java_dir" = "$bundle/jre" ] && sed 's/^/bundle: /' "$bundle/MANIFEST.txt"
    # The bundle must come from this tree: 'prepare' right before the device call.
    echo "tree: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')"
    return 0
}

run() {
    effort=()
    pairs=()
    # 50,000 mprotect pairs a round, not mpk-bridge's 200,000: still 0.15 s a round at 3 us a pair,
    # and a quarter of the time where the machine is busy (the step took 115 s here at load 16).
    mprotect_pairs=(--pairs 50000)
    java_dir="$bundle/jre"
    local cp=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --quick) effort=(--quick); pairs=(--pairs 2000); mprotect_pairs=(--pairs 2000); shift ;;
            --java) java_dir="$2"; shift 2 ;;
            --cp) cp="$2"; shift 2 ;;
            *) usage ;;
        esac
    done
    if [ -z "$cp" ]; then
        [ -d "$bundle/lib" ] || { echo "device-evidence: no bundle in $bundle (run '$0 prepare' first)" >&2; exit 1; }
        cp="$(printf '%s:' "$bundle"/lib/*.jar)"
    fi
    # A copied tree may lose execute bits; the child JVMs need jspawnhelper too.
    if [ ! -x "$java_dir/bin/java" ] && [ -f "$java_dir/bin/java" ]; then
        chmod u+x "$java_dir"/bin/* "$java_dir"/lib/jspawnhelper 2>/dev/null || true
    fi
    [ -x "$java_dir/bin/java" ] || { echo "device-evidence: no java in $java_dir" >&2; exit 1; }
    local mpk_jar
    mpk_jar="$(tr ':' '\n' <<< "$cp" | grep -E 'mpk-bridge[^/]*\.jar$|mpk-bridge/target/classes/?$' | head -1 || true)"
    if [ -n "${OUT:-}" ]; then
        mkdir -p "$OUT/reports"
        # A pipe, not a process substitution: the file is complete when this script exits.
        evidence "$cp" "$mpk_jar" "$OUT/reports" 2>&1 | tee "$OUT/device-evidence.txt"
        exit "${PIPESTATUS[0]}"
    fi
    evidence "$cp" "$mpk_jar" "$(mktemp -d)"
}

# The steps; exits with the worst status.
evidence() {
    local cp="$1" mpk_jar="$2" reports="$3" rc t0
    facts

    echo "== a mpk-bridge evidence, protection keys"
    rc=0
    t0=$SECONDS
    if [ -z "$mpk_jar" ]; then
        echo "no mpk-bridge jar on the class path"; rc=1
    else
        timeout 90 "$root/mpk-bridge/scripts/pku-evidence.sh" run --java "$java_dir" --jar "$mpk_jar" ${pairs[@]+"${pairs[@]}"} || rc=$?
    fi
    record "a mpk-bridge PROTECTION_KEYS" "$rc" "$t0"
    echo "== a mpk-bridge evidence, mprotect fallback"
    rc=0
    t0=$SECONDS
    if [ -n "$mpk_jar" ]; then
        timeout 120 "$root/mpk-bridge/scripts/pku-evidence.sh" run --java "$java_dir" --jar "$mpk_jar" --mode mprotect "${mprotect_pairs[@]}" || rc=$?
    else
        rc=1
    fi
    record "a mpk-bridge MPROTECT" "$rc" "$t0"

    echo "== b, c runtime: maps under the key, invocation and map costs"
    rc=0
    t0=$SECONDS
    timeout 150 "$java_dir/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" \
        dev.warden.runtime.evidence.DeviceEvidence ${effort[@]+"${effort[@]}"} --reports "$reports" || rc=$?
    record "b,c runtime" "$rc" "$t0"

    echo "device evidence summary: $(printf '%s; ' "${steps[@]}")exit $worst"
    exit "$worst"
}

case "${1:-}" in
    prepare) prepare ;;
    run) shift; run "$@" ;;
    *) usage ;;
esac
