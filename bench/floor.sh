#!/usr/bin/env bash
# bench/floor.sh: one check through lifeline's Probe against the same system calls made from C,
# side by side in one run: the C loop (bench/c/fifo_loop.c) on both sides of JMH, alive and dead,
# and JMH's CheckBench with -prof gc (bytes allocated per check). The part of bench/run.sh that
# says whether lifeline's layers cost anything over the kernel; about 4 minutes on 2 cores.
#
#   bench/floor.sh                                  # CheckBench.lifelineLive and lifelineDead
#   bench/floor.sh 'CheckBench.lifeline(Live|Dead)$'  # any JMH include pattern
#
# Prints the medians and the ratio of each JMH row to the C loop of its kind. Writes nothing into
# the tree but lifeline-bench/target/. Needs gcc, Maven and a JDK 25+ (as bench/run.sh finds it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pattern=${1:-'CheckBench\.lifeline(Live|Dead)$'}
rounds=${LIFELINE_FLOOR_ROUNDS:-5}

for tool in gcc mvn; do
    command -v "$tool" >/dev/null || { echo "bench/floor.sh: missing: $tool" >&2; exit 1; }
done
java=
for candidate in "${JAVA_HOME:-}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [[ -x $candidate ]] || continue
    major=$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [[ ${major:-0} -ge 25 ]]; then java=$candidate; break; fi
done
[[ -n $java ]] || { echo 'bench/floor.sh: no JDK 25 or newer found (set JAVA_HOME)' >&2; exit 1; }

logs=$root/lifeline-bench/target/floor
work=$(mktemp -d)
mkdir -p "$logs"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf -- "$work"' EXIT

mvn -B -q -DskipTests -pl lifeline-bench -am package >"$logs/build.log" 2>&1 || { cat "$logs/build.log" >&2; exit 1; }
jar=$root/lifeline-bench/target/benchmarks.jar
gcc -O2 -Wall -Wextra -Werror -o "$work/fifo_loop" bench/c/fifo_loop.c

coproc DAEMON { exec "$java" --enable-native-access=ALL-UNNAMED -cp "$jar" dev.lifeline.bench.Daemon serve "$work/daemon"; }
pids+=("$DAEMON_PID")
read -r -t 60 line <&"${DAEMON[0]}" || { echo 'bench/floor.sh: the daemon did not start' >&2; exit 1; }
[[ $line == ready\ * ]] || { echo "bench/floor.sh: the daemon said: $line" >&2; exit 1; }

c_loop() {
    for mode in live dead; do
        "$work/fifo_loop" "$mode" "$work/daemon/$mode" "$rounds" 1 | sed -n 's/^ns_per_op //p' >>"$logs/c-$mode.txt"
    done
}
rm -f -- "$logs"/c-*.txt
echo "load average at start: $(cut -d ' ' -f 1-3 /proc/loadavg)"
c_loop
"$java" -jar "$jar" "$pattern" -f 2 -prof gc -rf csv -rff "$logs/jmh.csv" >"$logs/jmh.log" 2>&1 \
    || { tail -n 40 "$logs/jmh.log" >&2; exit 1; }
c_loop
echo "load average at end: $(cut -d ' ' -f 1-3 /proc/loadavg)"

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
c_live=$(median "$logs/c-live.txt")
c_dead=$(median "$logs/c-dead.txt")
printf '%-40s %12s %14s %8s\n' row 'ns/check' 'B/check' 'x C'
printf '%-40s %12.1f %14s %8s\n' 'C loop, live' "$c_live" - 1.00
printf '%-40s %12.1f %14s %8s\n' 'C loop, dead' "$c_dead" - 1.00
# JMH's CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
awk -F, -v live="$c_live" -v dead="$c_dead" '
    NR > 1 { gsub(/"/, ""); name = $1; sub(/^.*CheckBench\./, "", name) }
    NR > 1 && $1 !~ /:/ { score[name] = $5; unit[name] = $7; order[++n] = name }
    NR > 1 && $1 ~ /gc.alloc.rate.norm/ { split(name, p, ":"); alloc[p[1]] = $5 }
    END {
        for (i = 1; i <= n; i++) {
            k = order[i]; ns = score[k]
            if (unit[k] == "us/op") ns *= 1000
            c = (k ~ /Dead/) ? dead : live
            printf "%-40s %12.1f %14.3f %8.2f\n", "JMH " k, ns, alloc[k], ns / c
        }
    }' "$logs/jmh.csv"
