#!/usr/bin/env bash
# The http-filter demo (issue 12 §6): starts examples/http-filter/HttpFilterServer on loopback
# twice, without the request filter and with it (url_filter.o, verified against class urlFirewall
# of url-filter.eim, run on every request), loads them with wrk and prints as its last line
#   requests/s without: X, with: Y, overhead: Z% (95% CI a%..b%, N rounds)
# Both servers stay up and warm (WARMUP seconds of wrk each first); then ROUNDS rounds in which
# each server gets one wrk run of DURATION seconds, back to back, the order rotating from round to
# round (every order of the servers equally often), so that the runs of a round see the same
# background load. Z is the median over the rounds of the paired ratio 1 - with/without, and
# a%..b% its 95% bootstrap confidence interval (examples/http-filter/PairedOverhead.java: 10,000
# resamples of the rounds, a fixed seed); X and Y are the medians of the runs. Before it: the
# servers' CPU time per request (medians, and the median paired increase with its interval), the
# CPU time of one filter invocation alone (FilterCost.java) and what the filter adds to the request
# handler in-process, with warm caches and after other work (HandlerCost.java), and from one
# thread and two at once (ConcurrentFilterCost.java): numbers other load on the machine disturbs
# much less than requests/s.
#
# The comparison: unless JAVA_CONTROL=0, a third server runs the same firewall written in Java
# (HttpFilterServer's JavaFilter) and busy-waits JAVA_SPIN_NS per request (default 200, about
# what the extension adds to the handler in-process), measured in the same rounds: what a filter
# of that cost does to a server with THREADS workers apart from Warden. Its line comes before the
# last.
#
# Environment: DURATION (seconds per run, default 2), WARMUP (default 30), ROUNDS (default 60;
# PAIRS, its old name, still works), THREADS (server worker threads and wrk threads, default 2),
# CONNECTIONS (wrk, default 32), PORT (the server without the filter; PORT+1 the one with it,
# PORT+2 the Java filter's; default 18080), JAVA_CONTROL (1 or 0, default 1), JAVA_SPIN_NS
# (default 200), ROUNDS_FILE (where the rounds' numbers are kept, one line per round: without's
# requests/s and CPU us/request, with's, the Java filter's; default a temporary file, removed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
DURATION="${DURATION:-2}"
WARMUP="${WARMUP:-30}"
ROUNDS="${ROUNDS:-${PAIRS:-60}}"
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

rounds_file="${ROUNDS_FILE:-}"
if [ -z "$rounds_file" ]; then
    rounds_file="$(mktemp)"
    trap 'stop_servers; rm -f "$rounds_file"' EXIT
fi
: >"$rounds_file"
# The servers in the order of the first round; round r runs permutation r mod 6 (3 servers) or
# r mod 2 (2 servers), so every server is first, between and last equally often and follows
# each of the others equally often.
if [ "$JAVA_CONTROL" = 1 ]; then
    orders=("off on java" "on java off" "java off on" "off java on" "java on off" "on off java")
else
    orders=("off on" "on off")
fi
for round in $(seq 1 "$ROUNDS"); do
    for server in ${orders[$(((round - 1) % ${#orders[@]}))]}; do
        case "$server" in
            off) read -r a ca <<<"$(measure "$off_port" "$DURATION" "$off_pid")" ;;
            on) read -r b cb <<<"$(measure "$on_port" "$DURATION" "$on_pid")" ;;
            java) read -r c cc <<<"$(measure "$java_port" "$DURATION" "$java_pid")" ;;
        esac
    done
    line="round $round: without $a requests/s ($ca us CPU/request), with $b requests/s ($cb us CPU/request)"
    if [ "$JAVA_CONTROL" = 1 ]; then
        line="$line, Java filter $c requests/s ($cc us CPU/request)"
        echo "$a $ca $b $cb $c $cc" >>"$rounds_file"
    else
        echo "$a $ca $b $cb" >>"$rounds_file"
    fi
    echo "$line" >&2
done
stop_servers
# What one invocation of the filter costs in CPU time, alone (the machine's other load aside).
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/FilterCost.java" "$dir/url_filter.o" "$dir/url-filter.eim"
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/HandlerCost.java" "$dir/url_filter.o" "$dir/url-filter.eim"
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/ConcurrentFilterCost.java" "$dir/url_filter.o" "$dir/url-filter.eim"
# The medians, the paired ratios' medians and their 95% bootstrap intervals; the last line is the summary.
"$java" "$dir/PairedOverhead.java" "$rounds_file" "$JAVA_SPIN_NS"
