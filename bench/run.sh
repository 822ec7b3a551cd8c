#!/usr/bin/env bash
# bench/run.sh: lifeline against every alternative, in one run on this machine (issue 6).
#
#   bench/run.sh                           # about 13 minutes on 2 cores
#   LIFELINE_BENCH_QUICK=1 bench/run.sh    # about 2 minutes: a trial of the script, not results
#
# Writes bench/results/<UTC date>/: report.md and chart.svg, plus the raw figures they are made
# from (jmh.csv, c-loop.txt, strace/, cli.csv, death-kills.tsv, scale.tsv, stack.txt, machine.txt).
# Logs, which name this machine's paths, go to lifeline-bench/target/bench-logs/ and are not
# committed.
#
# LIFELINE_BENCH_QUICK=1 shrinks every step (JMH forks and iterations, C-loop rounds, strace
# counts, hyperfine runs, kills per death-notice row, the Watcher scale) to see that the script and
# what it builds still work. It writes to lifeline-bench/target/bench-quick/<UTC date>/ instead,
# and its report says on top that it is a trial: quick figures are never committed or quoted.
#
# Installs nothing. Needs gcc, strace, hyperfine, s6 (s6-supervise, s6-svok), Maven and a JDK 25+
# ($JAVA_HOME, `java` on the PATH, or the usual install places); says what to install otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

missing=()
need() { command -v "$1" >/dev/null || missing+=("$1 (Debian: apt-get install -y $2)"); }
need gcc gcc
need strace strace
need hyperfine hyperfine
need s6-svok s6
need s6-supervise s6
need mvn maven
need getconf libc-bin
if ((${#missing[@]})); then
    printf 'bench/run.sh: missing: %s\n' "${missing[@]}" >&2
    exit 1
fi

# The JDK: the same search as ./lifeline, so that both measure the same java.
java_major() {
    local home version
    home=$(dirname -- "$(dirname -- "$(readlink -f -- "$1")")")
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release" 2>/dev/null || true)
    version=${version%%[!0-9]*}
    printf '%s\n' "${version:-0}"
}
java=
for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java \
    /usr/java/*/bin/java /opt/java/*/bin/java /opt/jdk*/bin/java; do
    if [[ -x $candidate ]] && (($(java_major "$candidate") >= 25)); then
        java=$candidate
        break
    fi
done
[[ -n $java ]] || { echo 'bench/run.sh: needs a JDK 25 or newer (set JAVA_HOME)' >&2; exit 1; }
export JAVA_HOME=$(dirname -- "$(dirname -- "$(readlink -f -- "$java")")")

# Full settings first; quick mode (see above) overrides them. Death-notice kills: C holder rows,
# JVM holder rows, ProcessHandle.onExit (seconds per kill: its poll starts at 300 ms).
if [[ ${LIFELINE_BENCH_QUICK:-0} == 1 ]]; then
    bench_mode=quick
    c_rounds=2 c_seconds=0.5
    n1=500 n2=2000
    jmh_opts=(-f 1 -wi 1 -i 2 -w 500ms -r 500ms)
    stack_opts=(-wi 1 -i 1)
    hyperfine_opts=(--warmup 1 --runs 5)
    death_runs=(50 10 2)
    scale_args=(1 10 1 100 1000)
else
    bench_mode=full
    c_rounds=5 c_seconds=1
    n1=1000 n2=6000
    jmh_opts=(-f 2)
    stack_opts=(-wi 2 -i 3)
    hyperfine_opts=(--warmup 3 --runs 30)
    death_runs=(1000 150 10)
    scale_args=(5 50 1 100 1000 10000)
fi

date=$(date -u +%Y-%m-%d)
if [[ $bench_mode == quick ]]; then
    out=$root/lifeline-bench/target/bench-quick/$date
else
    out=$root/bench/results/$date
fi
logs=$root/lifeline-bench/target/bench-logs
work=$(mktemp -d)
rm -rf -- "$out"
mkdir -p -- "$out/strace" "$logs"

pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -- "$pid" 2>/dev/null || true; done
    rm -rf -- "$work"
}
trap cleanup EXIT

# Each step says when it starts and how long the one before took, so that the run's time can be
# kept within bounds as steps are added.
step_started=$SECONDS
step() {
    printf '\n== %s (%s; previous step %d s)\n' "$1" "$(date -u +%H:%M:%S)" $((SECONDS - step_started)) >&2
    step_started=$SECONDS
}

step 'build'
mvn -B -q -DskipTests package >"$logs/build.log" 2>&1 || { cat "$logs/build.log" >&2; exit 1; }
jar=$root/lifeline-bench/target/benchmarks.jar
cli_jar=$(ls -t "$root"/lifeline-cli/target/lifeline-cli-*.jar | head -n 1)
gcc -O2 -Wall -Wextra -Werror -o "$work/fifo_loop" bench/c/fifo_loop.c
gcc -O2 -Wall -Wextra -Werror -o "$work/socket_loop" bench/c/socket_loop.c
gcc -O2 -Wall -Wextra -Werror -o "$work/holder" bench/c/holder.c
gcc -O2 -Wall -Wextra -Werror -o "$work/reaper" bench/c/reaper.c
run_java() { "$java" --enable-native-access=ALL-UNNAMED -cp "$jar" "$@"; }

{
    echo "date: $date"
    echo "mode: $bench_mode"
    echo "arch: $(uname -m)"
    echo "cores: $(getconf _NPROCESSORS_ONLN)"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    echo "kernel: $(uname -r)"
    echo "jdk: $("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
    echo "gcc: $(gcc -dumpfullversion)"
    echo "load average at start: $(cut -d ' ' -f 1-3 /proc/loadavg)"
} >"$out/machine.txt"

# A Daemon `serve`: a held beacon, a stale one, sockets, a lock, a PID file. Its first line says
# it is ready; closing its standard input ends it.
start_daemon() {
    coproc DAEMON { exec "$java" --enable-native-access=ALL-UNNAMED -cp "$jar" dev.lifeline.bench.Daemon serve "$work/daemon"; }
    pids+=("$DAEMON_PID")
    local line
    read -r -t 60 line <&"${DAEMON[0]}" || { echo 'bench/run.sh: the daemon did not start' >&2; exit 1; }
    [[ $line == ready\ * ]] || { echo "bench/run.sh: the daemon said: $line" >&2; exit 1; }
    port=${line#ready }
}
stop_daemon() {
    local pid=$DAEMON_PID
    exec {DAEMON[1]}>&-
    wait "$pid" || true
}

step "C loops: the kernel floor ($c_rounds rounds now, $c_rounds more after JMH)"
start_daemon
c_modes=(live dead unix-connect unix-connect-jdk unix-connect-c-listener)
c_loop() {
    local mode
    for mode in live dead; do
        "$work/fifo_loop" "$mode" "$work/daemon/$mode" "$c_rounds" "$c_seconds" \
            | sed -n 's/^ns_per_op //p' >>"$logs/c-loop-$mode.txt"
    done
    # The socket probe against the daemon's JVM listener, the one JMH's socket benchmark connects
    # to: the cheapest correct probe, then the calls of the JDK's connect (with getsockname); then
    # the cheapest against a listener of its own in C, to show how much the listener shapes a
    # tight loop's figure. See bench/c/socket_loop.c.
    "$work/socket_loop" connect "$work/daemon/daemon.sock" "$c_rounds" "$c_seconds" \
        | sed -n 's/^ns_per_op //p' >>"$logs/c-loop-unix-connect.txt"
    "$work/socket_loop" jdk "$work/daemon/daemon.sock" "$c_rounds" "$c_seconds" \
        | sed -n 's/^ns_per_op //p' >>"$logs/c-loop-unix-connect-jdk.txt"
    "$work/socket_loop" connect "$work/c.sock" "$c_rounds" "$c_seconds" listen \
        | sed -n 's/^ns_per_op //p' >>"$logs/c-loop-unix-connect-c-listener.txt"
}
rm -f -- "$logs"/c-loop-*.txt
c_loop

step 'system calls per check (strace -c -f)'
for kind in lifelineLive lifelineDead pidFileVerified processHandleIsAlive unixSocketConnect tcpConnect \
    lockFileTryLock lockFileTryLockOpenOnce; do
    for n in $n1 $n2; do
        strace -f -c -o "$out/strace/$kind-$n.txt" \
            "$java" --enable-native-access=ALL-UNNAMED -cp "$jar" dev.lifeline.bench.Driver "$work/daemon" "$port" "$kind" "$n"
    done
    printf '%s ' "$kind" >&2
done
echo >&2
stop_daemon

step 'JMH: one check, lifeline and the alternatives (-prof gc)'
"$java" -jar "$jar" CheckBench "${jmh_opts[@]}" -prof gc -rf csv -rff "$out/jmh.csv" >"$logs/jmh.log" 2>&1 \
    || { tail -n 50 "$logs/jmh.log" >&2; exit 1; }
grep -E '^CheckBench\.[A-Za-z0-9]+( |:gc.alloc.rate.norm)' "$logs/jmh.log" >&2 || true

step "C loops again; each floor is the median of all $((2 * c_rounds)) rounds, taken on both sides of JMH"
start_daemon
c_loop
stop_daemon
: >"$out/c-loop.txt"
for mode in "${c_modes[@]}"; do
    n=$(wc -l <"$logs/c-loop-$mode.txt")
    echo "$mode $(sort -g "$logs/c-loop-$mode.txt" | sed -n "$(((n + 1) / 2))p")" >>"$out/c-loop.txt"
done
cat "$out/c-loop.txt" >&2

step 'JMH: where a live check spends its time (-prof stack)'
"$java" -jar "$jar" 'CheckBench.lifelineLive$' "${stack_opts[@]}" -prof 'stack:lines=3;top=8;detailLine=true' >"$logs/stack.log" 2>&1 \
    || { tail -n 50 "$logs/stack.log" >&2; exit 1; }
sed -n '/^Secondary result "dev.lifeline.bench.CheckBench.lifelineLive:stack"/,/^Benchmark /p' "$logs/stack.log" \
    | sed '/^# Run complete/,$d' >"$out/stack.txt"

step 'whole process: lifeline check vs an empty JVM vs s6-svok (hyperfine)'
start_daemon
svc=$work/s6/svc
mkdir -p "$svc"
printf '#!/bin/sh\nexec sleep 100000\n' >"$svc/run"
chmod +x "$svc/run"
s6-supervise "$svc" </dev/null >/dev/null 2>&1 &
pids+=($!)
# s6-supervise has no ready line to wait for: poll s6-svok under a deadline.
deadline=$((SECONDS + 30))
until s6-svok "$svc"; do
    ((SECONDS < deadline)) || { echo 'bench/run.sh: s6-supervise did not come up' >&2; exit 1; }
    sleep 0.05
done
"$java" --enable-native-access=ALL-UNNAMED -jar "$cli_jar" check --quiet "$work/daemon/live" \
    || { echo 'bench/run.sh: lifeline check does not see the daemon alive' >&2; exit 1; }
hyperfine -N "${hyperfine_opts[@]}" --export-csv "$out/cli.csv" \
    -n 'empty JVM (java -Xshare:auto -cp ... Main that returns)' "$java -Xshare:auto -cp $jar dev.lifeline.bench.EmptyMain" \
    -n 'java -jar lifeline-cli.jar check (live)' "$java -jar $cli_jar check --quiet $work/daemon/live" \
    -n './lifeline check (live)' "$root/lifeline check --quiet $work/daemon/live" \
    -n 's6-svok (supervised service)' "s6-svok $svc" >"$logs/hyperfine.log" 2>&1 \
    || { cat "$logs/hyperfine.log" >&2; exit 1; }
s6-svc -dx "$svc" 2>/dev/null || true
stop_daemon

step "death notice latency (SIGKILL of a holder the reaper started; kills: ${death_runs[*]})"
run_java dev.lifeline.bench.DeathLatency "$out/death-kills.tsv" "${death_runs[@]}" "$work/reaper" "$work/holder" >&2

step "one Watcher, ${scale_args[*]:2} beacons"
run_java -Xmx512m dev.lifeline.bench.WatcherScale "$out/scale.tsv" "${scale_args[@]}" >&2

echo "load average at end: $(cut -d ' ' -f 1-3 /proc/loadavg)" >>"$out/machine.txt"

step 'report'
run_java dev.lifeline.bench.Report "$out"
echo "bench/run.sh: wrote ${out#"$root"/}/report.md and chart.svg in $((SECONDS / 60)) min $((SECONDS % 60)) s ($bench_mode)" >&2
