#!/usr/bin/env bash
# The http-filter demo (issue 12 §6): starts examples/http-filter/HttpFilterServer on loopback
# twice, without the request filter and with it (url_filter.o, verified against class urlFirewall
# of url-filter.eim, run on every request), loads them with wrk and prints as its last line
#   requests/s without: X, with: Y, overhead: Z%
# Both servers stay up and warm (WARMUP seconds of wrk each first); then PAIRS pairs of wrk runs
# of DURATION seconds, one on each server back to back (the order alternating from pair to pair),
# so that the two runs of a pair see the same background load. X and Y are the medians of the
# runs, Z is the median over the pairs of 1 - with/without. Before it: the servers' CPU time per
# request (medians), the CPU time of one filter invocation alone (FilterCost.java) and what the
# filter adds to the request handler in-process, with warm caches and after other work
# (HandlerCost.java), and from one thread and two at once (ConcurrentFilterCost.java): numbers
# other load on the machine disturbs much less than requests/s.
#
# The comparison: unless JAVA_CONTROL=0, a third server runs the same firewall written in Java
# (HttpFilterServer's JavaFilter) and busy-waits JAVA_SPIN_NS per request (default 200, about
# what the extension adds to the handler in-process), measured in the same pairs (then triples):
# what a filter of that cost does to a server with THREADS workers apart from Warden. Its line
# comes before the last.
#
# Environment: DURATION (seconds per run, default 5), WARMUP (default 30), PAIRS (default 10),
# THREADS (server worker threads and wrk threads, default 2), CONNECTIONS (wrk, default 32),
# PORT (the server without the filter; PORT+1 the one with it, PORT+2 the Java filter's;
# default 18080), JAVA_CONTROL (1 or 0, default 1), JAVA_SPIN_NS (default 200).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-30}"
PAIRS="${PAIRS:-10}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18080}"
JAVA_CONTROL="${JAVA_CONTROL:-1}"
JAVA_SPIN_NS="${JAVA_SPIN_NS:-200}"

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
java="$(scripts/java25.sh)"
cp="cli/target/warden.jar:cli/target/lib/*"
dir=examples/http-filter
[ -f "$dir/url_filter.o" ] || "$dir/build.sh"

pids=()
stop_servers() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
}
trap stop_servers EXIT

# Starts a server on port $1 in mode $2 (on|off|java) and waits until it answers.
start_server() {
    "$java" --enable-native-access=ALL-UNNAMED -Xms256m -Xmx256m -XX:+UseParallelGC -cp "$cp" \
        "$dir/HttpFilterServer.java" "$dir/url_filter.o" "$dir/url-filter.eim" "$1" "$2" "$THREADS" "$JAVA_SPIN_NS" >&2 &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 1 600); do
        curl -s -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { echo "demo-http-filter: the server on port $1 did not start" >&2; exit 1; }
        sleep 0.2
    done
    echo "demo-http-filter: the server on port $1 did not answer" >&2
    exit 1
}

# One wrk run of $2 seconds against port $1, whose server is process $3: prints its requests/s and
# the server's CPU time per request in microseconds (user + system, all threads, from /proc).
# CPU time per request is the steadier number on a shared machine: other load slows the server
# down but does not make its requests cost more CPU.
tick="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() {
    local before after out
    before="$(cpu_ticks "$3")"
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s "http://127.0.0.1:$1/index.html")"
    after="$(cpu_ticks "$3")"
    awk -v b="$before" -v a="$after" -v t="$tick" '/requests in/ {n = $1} /^Requests\/sec:/ {r = $2}
        END {printf "%s %.2f\n", r, (a - b) / t * 1e6 / n}' <<<"$out"
}

off_port="$PORT"
on_port=$((PORT + 1))
start_server "$off_port" off
start_server "$on_port" on
off_pid="${pids[0]}"
on_pid="${pids[1]}"
java_port=$((PORT + 2))
if [ "$JAVA_CONTROL" = 1 ]; then
    start_server "$java_port" java
    java_pid="${pids[2]}"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$java_port/admin")" = 403 ] \
        || { echo "demo-http-filter: the Java filter's server did not deny /admin" >&2; exit 1; }
fi
# The filter must really deny, or the comparison measures nothing.
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$on_port/admin")" = 403 ] \
    || { echo "demo-http-filter: the filtered server did not deny /admin" >&2; exit 1; }
measure "$off_port" "$WARMUP" "$off_pid" >/dev/null
measure "$on_port" "$WARMUP" "$on_pid" >/dev/null
[ "$JAVA_CONTROL" = 1 ] && measure "$java_port" "$WARMUP" "$java_pid" >/dev/null

without=()
with=()
ratios=()
cpu_without=()
cpu_with=()
java_rps=()
java_ratios=()
cpu_java=()
for pair in $(seq 1 "$PAIRS"); do
    # The Java filter's run goes first, between or last in turn, so that no server always follows the same one.
    [ "$JAVA_CONTROL" = 1 ] && [ $((pair % 3)) = 1 ] && read -r c cc <<<"$(measure "$java_port" "$DURATION" "$java_pid")"
    if [ $((pair % 2)) = 1 ]; then
        read -r a ca <<<"$(measure "$off_port" "$DURATION" "$off_pid")"
        [ "$JAVA_CONTROL" = 1 ] && [ $((pair % 3)) = 2 ] && read -r c cc <<<"$(measure "$java_port" "$DURATION" "$java_pid")"
        read -r b cb <<<"$(measure "$on_port" "$DURATION" "$on_pid")"
    else
        read -r b cb <<<"$(measure "$on_port" "$DURATION" "$on_pid")"
        [ "$JAVA_CONTROL" = 1 ] && [ $((pair % 3)) = 2 ] && read -r c cc <<<"$(measure "$java_port" "$DURATION" "$java_pid")"
        read -r a ca <<<"$(measure "$off_port" "$DURATION" "$off_pid")"
    fi
    [ "$JAVA_CONTROL" = 1 ] && [ $((pair % 3)) = 0 ] && read -r c cc <<<"$(measure "$java_port" "$DURATION" "$java_pid")"
    line="pair $pair: without $a requests/s ($ca us CPU/request), with $b requests/s ($cb us CPU/request)"
    if [ "$JAVA_CONTROL" = 1 ]; then
        line="$line, Java filter $c requests/s ($cc us CPU/request)"
        java_rps+=("$c")
        cpu_java+=("$cc")
        java_ratios+=("$(awk -v a="$a" -v c="$c" 'BEGIN { print 1 - c / a }')")
    fi
    echo "$line" >&2
    without+=("$a")
    with+=("$b")
    cpu_without+=("$ca")
    cpu_with+=("$cb")
    ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { print 1 - b / a }')")
done
stop_servers
# What one invocation of the filter costs in CPU time, alone (the machine's other load aside).
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/FilterCost.java" "$dir/url_filter.o" "$dir/url-filter.eim"
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/HandlerCost.java" "$dir/url_filter.o" "$dir/url-filter.eim"
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/ConcurrentFilterCost.java" "$dir/url_filter.o" "$dir/url-filter.eim"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
x="$(median "${without[@]}")"
y="$(median "${with[@]}")"
z="$(median "${ratios[@]}")"
cw="$(median "${cpu_without[@]}")"
cv="$(median "${cpu_with[@]}")"
awk -v a="$cw" -v b="$cv" 'BEGIN { printf "server CPU time per request (medians): without %.1f us, with %.1f us (%+.1f%%)\n", a, b, (b - a) / a * 100 }'
if [ "$JAVA_CONTROL" = 1 ]; then
    awk -v a="$cw" -v c="$(median "${cpu_java[@]}")" -v r="$(median "${java_rps[@]}")" -v z="$(median "${java_ratios[@]}")" -v s="$JAVA_SPIN_NS" \
        'BEGIN { printf "the same filter in Java (+%d ns busy wait): %.0f requests/s, overhead %.1f%%, CPU per request %.1f us (%+.1f%%)\n", s, r, z * 100, c, (c - a) / a * 100 }'
fi
awk -v x="$x" -v y="$y" -v z="$z" 'BEGIN { printf "requests/s without: %.0f, with: %.0f, overhead: %.1f%%\n", x, y, z * 100 }'
