#!/usr/bin/env bash
# bench/floor.sh: one check through lifeline's Probe against the same system calls made from C,
# side by side in one run: the C loop (bench/c/fifo_loop.c) on both sides of JMH, alive and dead,
# and JMH's CheckBench with -prof gc (bytes allocated per check). The part of bench/run.sh that
# says whether lifeline's layers cost anything over the kernel; about 4 minutes on 2 cores.
#
#   bench/floor.sh                                  # CheckBench.lifelineLive and lifelineDead, FFM and JNA
#   bench/floor.sh 'CheckBench.lifeline(Live|Dead)$'  # any JMH include pattern (FFM alone here)
#
# Prints every pair's ratio of each JMH row to the C loop of its kind, and their median. Writes nothing into
# the tree but lifeline-bench/target/. Needs gcc, Maven and a JDK 25+ (as bench/run.sh finds it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# The *Jna rows: the same checks through the JNA backend (Java 17 to 21's), in forks of their own.
pattern=${1:-'CheckBench\.lifeline(Live|Dead)(Jna)?$'}
rounds=${LIFELINE_FLOOR_ROUNDS:-3}
pairs=${LIFELINE_FLOOR_PAIRS:-7}

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

# One pair: the C loop of both kinds, then one JMH fork of the pattern, then the C loop again;
# each JMH row's ratio is to the mean of the C medians taken just before and just after it, so
# that a machine that drifts over minutes (a neighbour, frequency) moves both sides of a ratio.
c_round() {
    local mode=$1
    "$work/fifo_loop" "$mode" "$work/daemon/$mode" "$rounds" 1 | sed -n 's/^median //p'
}
echo "load average at start: $(cut -d ' ' -f 1-3 /proc/loadavg)"
rm -f -- "$logs"/pair-*.csv "$logs/ratios.txt"
before_live=$(c_round live); before_dead=$(c_round dead)
for ((pair = 1; pair <= pairs; pair++)); do
    "$java" -jar "$jar" "$pattern" -f 1 -prof gc -rf csv -rff "$logs/pair-$pair.csv" >"$logs/jmh-$pair.log" 2>&1 \
        || { tail -n 40 "$logs/jmh-$pair.log" >&2; exit 1; }
    after_live=$(c_round live); after_dead=$(c_round dead)
    # JMH's CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
    awk -F, -v pair="$pair" -v live="$(echo "$before_live $after_live" | awk '{ print ($1 + $2) / 2 }')" \
        -v dead="$(echo "$before_dead $after_dead" | awk '{ print ($1 + $2) / 2 }')" '
        NR > 1 { gsub(/"/, ""); name = $1; sub(/^.*CheckBench\./, "", name) }
        NR > 1 && $1 !~ /:/ { score[name] = $5; unit[name] = $7; order[++n] = name }
        NR > 1 && $1 ~ /gc.alloc.rate.norm/ { split(name, p, ":"); alloc[p[1]] = $5 }
        END {
            for (i = 1; i <= n; i++) {
                k = order[i]; ns = score[k]
                if (unit[k] == "us/op") ns *= 1000
                c = (k ~ /Dead/) ? dead : live
                printf "%s %d %.1f %.1f %.3f %.4f\n", k, pair, ns, c, alloc[k], ns / c
            }
        }' "$logs/pair-$pair.csv" >>"$logs/ratios.txt"
    before_live=$after_live; before_dead=$after_dead
done
echo "load average at end: $(cut -d ' ' -f 1-3 /proc/loadavg)"

printf '%-28s %5s %10s %10s %10s %8s\n' row pair 'ns/check' 'C ns' 'B/check' 'x C'
sort -k1,1 -k2,2n "$logs/ratios.txt" | awk '{ printf "%-28s %5d %10.1f %10.1f %10.3f %8.3f\n", "JMH " $1, $2, $3, $4, $5, $6 }'
echo "median of the $pairs pairs' ratios, with the lowest and highest:"
for row in $(awk '{ print $1 }' "$logs/ratios.txt" | sort -u); do
    awk -v row="$row" '$1 == row { print $6 }' "$logs/ratios.txt" | sort -g \
        | awk -v row="$row" '{ v[NR] = $1 } END { printf "%-28s %8.3f  (%.3f .. %.3f)\n", "JMH " row, v[int((NR + 1) / 2)], v[1], v[NR] }'
done
