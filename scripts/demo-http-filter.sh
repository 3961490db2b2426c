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
# requests/s and CPU us/request, with's, the Java filter's; default a temporary file, removed),
# AA_CONTROL (1 or 0, default 0: a second server without the filter, on PORT+3, started last and
# measured in the same rounds: an A/A comparison whose overhead should be 0 within its interval;
# what it shows beyond that is the difference between two JVMs of the same server, which the
# rounds' intervals do not cover, since each server is one JVM for the whole run),
# SERVER_CPUS and WRK_CPUS (CPU lists for taskset). By default (PIN=1) the CPUs this script may
# use are split in two, the first half for the servers and the rest for wrk (on 2 CPUs:
# SERVER_CPUS=0 WRK_CPUS=1), so that the load generator does not take CPU time from the server it
# measures; with fewer than 2 CPUs, without taskset, or with PIN=0 nothing is pinned and the
# scheduler puts the servers' threads and wrk's wherever it likes (the default before; on a quiet
# 2-core machine it gave the filter 4.2%, the Java control 2.5%, with intervals 5 points wide:
# docs/host-api.md). Lists given explicitly win over PIN.
#
# Besides requests/s and CPU time, each run records the server's context switches per request
# (voluntary and involuntary, summed over its threads from /proc/PID/task/*/status) and how its
# CPU time splits between the HTTP dispatcher thread, the worker threads and the JIT compiler
# threads (/proc/PID/task/*/schedstat): the line before the medians gives their medians per
# server. A filter that makes a worker park and be woken more often shows there, at a cost of
# microseconds per switch, where its own nanoseconds do not.
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
AA_CONTROL="${AA_CONTROL:-0}"
SERVER_CPUS="${SERVER_CPUS:-}"
WRK_CPUS="${WRK_CPUS:-}"
PIN="${PIN:-1}"
# The CPUs of a list like 0-3,8,10-11, one per word.
expand_cpus() {
    local part parts c
    IFS=, read -ra parts <<<"$1"
    for part in "${parts[@]}"; do
        if [[ $part == *-* ]]; then
            for ((c = ${part%-*}; c <= ${part#*-}; c++)); do echo "$c"; done
        else
            echo "$part"
        fi
    done
}
if [ "$PIN" = 1 ] && [ -z "$SERVER_CPUS" ] && [ -z "$WRK_CPUS" ] && command -v taskset >/dev/null 2>&1; then
    mapfile -t cpus < <(expand_cpus "$(awk '/^Cpus_allowed_list:/ {print $2}' /proc/self/status)")
    if [ "${#cpus[@]}" -ge 2 ]; then
        half=$((${#cpus[@]} / 2))
        SERVER_CPUS="$(IFS=,; echo "${cpus[*]:0:half}")"
        WRK_CPUS="$(IFS=,; echo "${cpus[*]:half}")"
    fi
fi
server_pin=()
[ -n "$SERVER_CPUS" ] && server_pin=(taskset -c "$SERVER_CPUS")
wrk_pin=()
[ -n "$WRK_CPUS" ] && wrk_pin=(taskset -c "$WRK_CPUS")

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
    "${server_pin[@]}" "$java" --enable-native-access=ALL-UNNAMED -Xms256m -Xmx256m -XX:+UseParallelGC -cp "$cp" \
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
# the server's CPU time per request in microseconds (user + system, all threads, from /proc);
# with a fourth argument, appends to that file the server's context switches per request
# (all, voluntary) and its dispatcher's, workers' and JIT compilers' CPU us per request.
# CPU time per request is the steadier number on a shared machine: other load slows the server
# down but does not make its requests cost more CPU (though it changes how often threads park).
tick="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Process $1's threads: voluntary and involuntary switches, then the dispatcher's, the workers'
# and the compilers' run time in ns (schedstat: threads that exited drop out, the servers' do not).
# Printed with %.0f: mawk's %d stops at 2^31, about two seconds of nanoseconds.
thread_counts() {
    local t
    for t in /proc/"$1"/task/*; do
        echo "$(cat "$t/comm")|$(cut -d' ' -f1 "$t/schedstat")|$(awk '/^voluntary_ctxt_switches/ {v = $2} /^nonvoluntary_ctxt_switches/ {n = $2} END {print v "|" n}' "$t/status")"
    done 2>/dev/null | awk -F'|' '{v += $3; n += $4}
        $1 == "HTTP-Dispatcher" {d += $2} $1 ~ /^pool-/ {w += $2} $1 ~ /^C[12] Compiler/ {c += $2}
        END {printf "%.0f %.0f %.0f %.0f %.0f\n", v, n, d, w, c}'
}
measure() {
    local before after out tb ta
    before="$(cpu_ticks "$3")"
    tb="$(thread_counts "$3")"
    out="$("${wrk_pin[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s "http://127.0.0.1:$1/index.html")"
    after="$(cpu_ticks "$3")"
    ta="$(thread_counts "$3")"
    awk -v b="$before" -v a="$after" -v t="$tick" '/requests in/ {n = $1} /^Requests\/sec:/ {r = $2}
        END {printf "%s %.2f\n", r, (a - b) / t * 1e6 / n}' <<<"$out"
    if [ $# -gt 3 ]; then
        awk -v b="$tb" -v a="$ta" '/requests in/ {n = $1}
            END {split(b, B, " "); split(a, A, " ");
                 printf "%.3f %.3f %.2f %.2f %.3f\n", (A[1] - B[1] + A[2] - B[2]) / n, (A[1] - B[1]) / n,
                     (A[3] - B[3]) / 1e3 / n, (A[4] - B[4]) / 1e3 / n, (A[5] - B[5]) / 1e3 / n}' <<<"$out" >>"$4"
    fi
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
aa_port=$((PORT + 3))
if [ "$AA_CONTROL" = 1 ]; then
    start_server "$aa_port" off
    aa_pid="${pids[${#pids[@]} - 1]}"
fi
# The filter must really deny, or the comparison measures nothing.
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$on_port/admin")" = 403 ] \
    || { echo "demo-http-filter: the filtered server did not deny /admin" >&2; exit 1; }
measure "$off_port" "$WARMUP" "$off_pid" >/dev/null
measure "$on_port" "$WARMUP" "$on_pid" >/dev/null
[ "$JAVA_CONTROL" = 1 ] && measure "$java_port" "$WARMUP" "$java_pid" >/dev/null
[ "$AA_CONTROL" = 1 ] && measure "$aa_port" "$WARMUP" "$aa_pid" >/dev/null

rounds_file="${ROUNDS_FILE:-}"
switches_dir="$(mktemp -d)"
if [ -z "$rounds_file" ]; then
    rounds_file="$(mktemp)"
    trap 'stop_servers; rm -f "$rounds_file"; rm -rf "$switches_dir"' EXIT
else
    trap 'stop_servers; rm -rf "$switches_dir"' EXIT
fi
: >"$rounds_file"
aa_file="$switches_dir/aa-rounds"
# The servers in the order of the first round; round r runs permutation r mod 6 (3 servers) or
# r mod 2 (2 servers), so every server is first, between and last equally often and follows
# each of the others equally often.
if [ "$JAVA_CONTROL" = 1 ]; then
    orders=("off on java" "on java off" "java off on" "off java on" "java on off" "on off java")
else
    orders=("off on" "on off")
fi
if [ "$AA_CONTROL" = 1 ]; then
    # Four or three servers: every rotation of the list and of its reverse, so each server is at
    # each place equally often and follows each neighbour as often as it precedes it.
    list=(off on)
    [ "$JAVA_CONTROL" = 1 ] && list+=(java)
    list+=(aa)
    orders=()
    for direction in forward reverse; do
        for shift in $(seq 0 $((${#list[@]} - 1))); do
            order=""
            for i in $(seq 0 $((${#list[@]} - 1))); do
                j=$(((i + shift) % ${#list[@]}))
                [ "$direction" = reverse ] && j=$((${#list[@]} - 1 - j))
                order="$order ${list[$j]}"
            done
            orders+=("$order")
        done
    done
fi
for round in $(seq 1 "$ROUNDS"); do
    for server in ${orders[$(((round - 1) % ${#orders[@]}))]}; do
        case "$server" in
            off) read -r a ca <<<"$(measure "$off_port" "$DURATION" "$off_pid" "$switches_dir/off")" ;;
            on) read -r b cb <<<"$(measure "$on_port" "$DURATION" "$on_pid" "$switches_dir/on")" ;;
            java) read -r c cc <<<"$(measure "$java_port" "$DURATION" "$java_pid" "$switches_dir/java")" ;;
            aa) read -r d cd <<<"$(measure "$aa_port" "$DURATION" "$aa_pid" "$switches_dir/aa")" ;;
        esac
    done
    if [ "$AA_CONTROL" = 1 ]; then
        echo "$a $ca $d $cd" >>"$aa_file"
        line_aa=", second server without the filter $d requests/s ($cd us CPU/request)"
    else
        line_aa=""
    fi
    line="round $round: without $a requests/s ($ca us CPU/request), with $b requests/s ($cb us CPU/request)"
    if [ "$JAVA_CONTROL" = 1 ]; then
        line="$line, Java filter $c requests/s ($cc us CPU/request)"
        echo "$a $ca $b $cb $c $cc" >>"$rounds_file"
    else
        echo "$a $ca $b $cb" >>"$rounds_file"
    fi
    echo "$line$line_aa" >&2
done
stop_servers
# Per request, medians over the rounds: context switches (voluntary + involuntary) and the CPU us
# of the dispatcher, the workers and the JIT compilers (the rest is GC, the VM and the like).
per_request() {
    local label="$1" file="$2"
    [ -s "$file" ] || return 0
    local col med=()
    for col in 1 2 3 4 5; do
        med+=("$(cut -d' ' -f"$col" "$file" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')")
    done
    printf '%s %.2f switches (%.2f voluntary), dispatcher %.2f us, workers %.2f us, JIT %.2f us' \
        "$label" "${med[0]}" "${med[1]}" "${med[2]}" "${med[3]}" "${med[4]}"
}
echo "per request (medians of the rounds): $(per_request without "$switches_dir/off"); $(per_request with "$switches_dir/on")$([ "$JAVA_CONTROL" = 1 ] && echo "; $(per_request 'Java filter' "$switches_dir/java")")$([ "$AA_CONTROL" = 1 ] && echo "; $(per_request 'second without' "$switches_dir/aa")")$([ -n "$SERVER_CPUS$WRK_CPUS" ] && echo " (servers on CPUs ${SERVER_CPUS:-any}, wrk on ${WRK_CPUS:-any})")"
# What one invocation of the filter costs in CPU time, alone (the machine's other load aside).
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/FilterCost.java" "$dir/url_filter.o" "$dir/url-filter.eim"
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/HandlerCost.java" "$dir/url_filter.o" "$dir/url-filter.eim"
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/ConcurrentFilterCost.java" "$dir/url_filter.o" "$dir/url-filter.eim"
# The A/A control through the same statistic: "with" there is the second server without the filter.
if [ "$AA_CONTROL" = 1 ]; then
    echo "A/A control, the second server without the filter in place of the filtered one:"
    "$java" "$dir/PairedOverhead.java" "$aa_file" | sed 's/^/  /'
fi
# The medians, the paired ratios' medians and their 95% bootstrap intervals; the last line is the summary.
"$java" "$dir/PairedOverhead.java" "$rounds_file" "$JAVA_SPIN_NS"
