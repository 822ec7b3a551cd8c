#!/usr/bin/env bash
# bench/agent-cost.sh: what lifeline-agent costs a JVM (issue 16), on this machine.
#
#   bench/agent-cost.sh                 # about 3 minutes
#   RUNS=30 IDLE_SECONDS=60 bench/agent-cost.sh
#
# 1. Start-up: hyperfine runs a trivial main (prints nothing, returns) without the agent, with it
#    (PATH only), with heartbeat=1s, and with exclusive (premain waits until the beacon is held,
#    so that row is the whole cost of holding before main).
# 2. CPU of an idle JVM: three JVMs without and three with the agent at heartbeat=1s sleep side by
#    side; each reads its own process CPU time (utime + stime, /proc/self/stat through
#    ProcessHandle) after a 10 s settling time and again IDLE_SECONDS later. The difference,
#    times 3600 / IDLE_SECONDS, is the CPU per hour; the agent's cost is with minus without.
#
# Builds the agent jar with Maven if it is missing (or uses $LIFELINE_AGENT_JAR). Needs hyperfine
# and a JDK 22+ ($JAVA_HOME, or the newest /usr/lib/jvm/*). Prints a Markdown report on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
IDLE_SECONDS=${IDLE_SECONDS:-60}
command -v hyperfine >/dev/null || { echo "agent-cost.sh: needs hyperfine (Debian: apt-get install -y hyperfine)" >&2; exit 2; }
java_home=${JAVA_HOME:-}
if [ -z "$java_home" ] || [ ! -x "$java_home/bin/javac" ]; then
    java_home=$(ls -d /usr/lib/jvm/*25* /usr/lib/jvm/*2[2-9]* 2>/dev/null | head -1 || true)
fi
[ -x "$java_home/bin/javac" ] || { echo "agent-cost.sh: needs a JDK 22+ (set JAVA_HOME)" >&2; exit 2; }
java=$java_home/bin/java
jar=${LIFELINE_AGENT_JAR:-$PWD/lifeline-agent/target/lifeline-agent.jar}
if [ ! -f "$jar" ]; then
    mvn -B -q -DskipTests package -pl lifeline-agent -am >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/classes" "$work/beacons"
cat > "$work/Main.java" <<'JAVA'
public class Main {
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            return;
        }
        long settle = 10_000, idle = Long.parseLong(args[0]) * 1000;
        Thread.sleep(settle);
        long before = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
        Thread.sleep(idle);
        long after = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
        System.out.println((after - before) / 1_000_000);
    }
}
JAVA
"$java_home/bin/javac" -d "$work/classes" "$work/Main.java"
b=$work/beacons

echo "## lifeline-agent cost ($(date -u +%Y-%m-%d), $("$java" -version 2>&1 | head -1), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "### Start-up of a trivial main ($RUNS runs each)"
echo
hyperfine -N --style none --warmup 3 --runs "$RUNS" --export-markdown "$work/startup.md" --export-json "$work/startup.json" \
    -n "no agent" "$java -Xshare:auto -cp $work/classes Main" \
    -n "agent PATH" "$java -javaagent:$jar=$b/plain -cp $work/classes Main" \
    -n "agent PATH,heartbeat=1s" "$java -javaagent:$jar=$b/beating,heartbeat=1s -cp $work/classes Main" \
    -n "agent PATH,heartbeat=1s,exclusive" "$java -javaagent:$jar=$b/exclusive,heartbeat=1s,exclusive -cp $work/classes Main" \
    >/dev/null
cat "$work/startup.md"
echo
echo "CPU per start (user + system, mean of the runs; less sensitive than wall time to other load on the machine):"
echo
echo "| Command | user [ms] | system [ms] |"
echo "|:---|---:|---:|"
awk -F': ' '/"command"/ { gsub(/^"|",?$/, "", $2); c = $2 }
            /"user"/ { gsub(/,/, "", $2); u = $2 * 1000 }
            /"system"/ { gsub(/,/, "", $2); printf "| `%s` | %.1f | %.1f |\n", c, u, $2 * 1000 }' "$work/startup.json"
echo
echo "### CPU of an idle JVM over ${IDLE_SECONDS} s after a 10 s settling time (3 JVMs each, side by side)"
echo
pids=()
for i in 1 2 3; do
    "$java" -cp "$work/classes" Main "$IDLE_SECONDS" > "$work/without.$i" &
    pids+=($!)
    "$java" -javaagent:"$jar=$b/idle$i,heartbeat=1s" -cp "$work/classes" Main "$IDLE_SECONDS" > "$work/with.$i" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
per_hour() { awk -v ms="$1" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.1f", ms * 3600 / s / 1000 }'; }
without=$(cat "$work"/without.* | sort -n | sed -n 2p)
with=$(cat "$work"/with.* | sort -n | sed -n 2p)
echo "| JVM | CPU ms over ${IDLE_SECONDS} s (the three) | median, CPU seconds per hour |"
echo "| --- | --- | ---: |"
echo "| no agent | $(cat "$work"/without.* | sort -n | paste -sd' ') | $(per_hour "$without") |"
echo "| agent, heartbeat=1s | $(cat "$work"/with.* | sort -n | paste -sd' ') | $(per_hour "$with") |"
echo "| the agent's share | | $(per_hour "$((with - without))") |"
