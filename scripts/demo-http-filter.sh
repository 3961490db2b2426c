#!/usr/bin/env bash
# The http-filter demo (issue 12 §6): starts examples/http-filter/HttpFilterServer on loopback,
# loads it with wrk for a fixed time without the request filter and with it (url_filter.o,
# verified against class urlFirewall of url-filter.eim, run on every request), and prints as its
# last line
#   requests/s without: X, with: Y, overhead: Z%
# Each mode runs ROUNDS times, alternating (off, on, off, on, ...), each run after a warm-up of
# WARMUP seconds in the same server; X and Y are the medians.
#
# Environment: DURATION (seconds per measured run, default 10), WARMUP (default 5), ROUNDS
# (default 3), THREADS (server worker threads and wrk threads, default 2), CONNECTIONS (wrk, 32),
# PORT (default 18080).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-5}"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18080}"

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "demo-http-filter: installing wrk (Debian package) ..." >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2 \
            || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2; }
    fi
    command -v wrk >/dev/null 2>&1 || { echo "demo-http-filter: wrk is missing: install the Debian package wrk (apt-get install wrk)" >&2; exit 127; }
fi

# ./warden finds a JDK 25 and builds cli/target/warden.jar (with its lib/) when it is missing or stale.
./warden --help >/dev/null
java=""
for j in "${JAVA_HOME:-}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] || continue
    v="$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then java="$j"; break; fi
done
[ -n "$java" ] || { echo "demo-http-filter: needs a Java 25 JDK" >&2; exit 127; }
cp="cli/target/warden.jar:cli/target/lib/*"
dir=examples/http-filter
[ -f "$dir/url_filter.o" ] || "$dir/build.sh"

server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap stop_server EXIT

# Starts the server in mode $1 (on|off) and waits until it answers.
start_server() {
    "$java" --enable-native-access=ALL-UNNAMED -Xms256m -Xmx256m -XX:+UseParallelGC -cp "$cp" \
        "$dir/HttpFilterServer.java" "$dir/url_filter.o" "$dir/url-filter.eim" "$PORT" "$1" "$THREADS" >&2 &
    server_pid=$!
    for _ in $(seq 1 300); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && return 0
        kill -0 "$server_pid" 2>/dev/null || { echo "demo-http-filter: the server did not start" >&2; exit 1; }
        sleep 0.2
    done
    echo "demo-http-filter: the server did not answer" >&2
    exit 1
}

# Requests per second of one wrk run of $1 seconds.
measure() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s "http://127.0.0.1:$PORT/index.html" | awk '/^Requests\/sec:/ {print $2}'
}

declare -a without with
for round in $(seq 1 "$ROUNDS"); do
    for mode in off on; do
        start_server "$mode"
        measure "$WARMUP" >/dev/null
        rps="$(measure "$DURATION")"
        echo "round $round, filter $mode: $rps requests/s" >&2
        if [ "$mode" = off ]; then without+=("$rps"); else with+=("$rps"); fi
        stop_server
    done
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
x="$(median "${without[@]}")"
y="$(median "${with[@]}")"
awk -v x="$x" -v y="$y" 'BEGIN { printf "requests/s without: %.0f, with: %.0f, overhead: %.1f%%\n", x, y, (x - y) / x * 100 }'
