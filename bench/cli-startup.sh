#!/usr/bin/env bash
# bench/cli-startup.sh: what one call of the lifeline command costs, whole process, against an empty
# JVM and s6-svok (issue 17). For the installed command (the tarball's bin/lifeline, on the runtime
# the dist build jlinks, with its AOT cache) and for ./lifeline in this source tree:
#
#   check PATH (a live beacon, a dead one), status DIR, wait --dead on a dead beacon, --version, --help
#
# each run in interleaved pairs with an empty `main` (bench's EmptyMain, a Main that returns) on the
# same runtime with the same start-up flags (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC
# -XX:-UsePerfData) and an AOT cache of its own, trained on that runtime (the jlinked runtime has
# no default CDS archive, and an empty JVM without one would flatter every ratio): the pair's two
# runs follow each other, in
# alternating order, so that both see the same machine; the ratio is taken within each pair and its
# median reported, with the medians of the wall times and of the CPU time (user + system) each run
# used. Also timed: the same check without the launcher (the java command line bin/lifeline runs),
# and s6-svok on a service supervised by s6-supervise.
#
#   bench/cli-startup.sh                              # builds (mvn -Pdist), then 21 pairs per row
#   LIFELINE_BENCH_SKIP_BUILD=1 bench/cli-startup.sh  # use what the last builds wrote
#   LIFELINE_BENCH_PAIRS=31 bench/cli-startup.sh      # more pairs (at least 15)
#   LIFELINE_BENCH_ONLY=dist|clone bench/cli-startup.sh
#
# Prints a Markdown report on stdout; raw figures (one line per run) in lifeline-dist/target/bench/.
# Needs Maven and a JDK 25+ (JAVA_HOME, or `java` on the PATH), python3, s6 (s6-supervise,
# s6-svok), and what the dist build needs (dpkg-deb, binutils). Installs nothing.
set -euo pipefail
root=$(cd -P -- "$(dirname -- "$0")/.." && pwd)
cd "$root"

missing=()
need() { command -v "$1" >/dev/null || missing+=("$1 (Debian: apt-get install -y $2)"); }
need python3 python3
need s6-supervise s6
need s6-svok s6
need s6-svc s6
need mvn maven
if ((${#missing[@]})); then
    printf 'bench/cli-startup.sh: missing: %s\n' "${missing[@]}" >&2
    exit 1
fi
pairs=${LIFELINE_BENCH_PAIRS:-21}
((pairs >= 15)) || { echo 'bench/cli-startup.sh: LIFELINE_BENCH_PAIRS must be at least 15' >&2; exit 1; }
only=${LIFELINE_BENCH_ONLY:-}

# The JDK: as ./lifeline finds it first ($JAVA_HOME, then java on the PATH), 25 or newer.
jdk=
for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [[ -x $candidate ]] || continue
    home=$(dirname -- "$(dirname -- "$(readlink -f -- "$candidate")")")
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || true)
    if [[ -n $major ]] && ((major >= 25)); then
        jdk=$home
        break
    fi
done
[[ -n $jdk ]] || { echo 'bench/cli-startup.sh: needs a JDK 25 or newer (set JAVA_HOME)' >&2; exit 1; }
export JAVA_HOME=$jdk PATH=$jdk/bin:$PATH

if [[ ${LIFELINE_BENCH_SKIP_BUILD:-0} != 1 ]]; then
    echo 'bench/cli-startup.sh: building the tarball (mvn -Pdist) and the CLI...' >&2
    mvn -B -q -DskipTests -Pdist package -pl lifeline-dist,lifeline-bench -am >&2
fi
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -n 1)
target=$root/lifeline-dist/target
tarball=$target/lifeline-$version-linux-$(uname -m).tar.gz
classes=$root/lifeline-bench/target/classes
[[ -f $tarball && -f $classes/dev/lifeline/bench/EmptyMain.class ]] \
    || { echo "bench/cli-startup.sh: missing $tarball or EmptyMain: run without LIFELINE_BENCH_SKIP_BUILD" >&2; exit 1; }

out=$target/bench
mkdir -p -- "$out"
work=$(mktemp -d)
holder=
supervise=
cleanup() {
    [[ -z $supervise ]] || { s6-svc -dx "$work/svc" 2>/dev/null || true; kill "$supervise" 2>/dev/null || true; }
    [[ -z $holder ]] || kill "$holder" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf -- "$work"
}
trap cleanup EXIT
tar -xzf "$tarball" -C "$work"
home=$work/lifeline-$version
flags=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)
grep -q -- '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData' "$home/bin/lifeline" \
    || { echo 'bench/cli-startup.sh: bin/lifeline no longer runs with the flags the empty JVM is given here' >&2; exit 1; }
# Every run under one UTF-8 locale: the launchers leave the JVM's locale alone then.
export LC_ALL=C.UTF-8

# A live beacon, held by the tarball's own command (its "holding" line is the event waited for); a
# dead one; a directory holding both, for status.
beacons=$work/beacons
mkdir -m 700 -- "$beacons"
mkfifo "$work/holder.out"
"$home/bin/lifeline" hold "$beacons/live" >"$work/holder.out" &
holder=$!
read -r -t 60 line <"$work/holder.out" || { echo 'bench/cli-startup.sh: the holder did not start' >&2; exit 1; }
[[ $line == holding* ]] || { echo "bench/cli-startup.sh: the holder said: $line" >&2; exit 1; }
mkfifo -m 600 -- "$beacons/dead"

# The empty JVM: EmptyMain in a jar (an AOT cache takes no class directory), with a cache of its own
# per runtime, trained by running it.
"$jdk/bin/jar" --create --file "$work/empty.jar" -C "$classes" dev/lifeline/bench/EmptyMain.class
for t in dist clone; do
    java=$home/runtime/bin/java
    [[ $t == dist ]] || java=$jdk/bin/java
    "$java" -XX:AOTCacheOutput="$work/empty-$t.aot" -Xlog:aot*=off -Xlog:cds*=off "${flags[@]}" -cp "$work/empty.jar" \
        dev.lifeline.bench.EmptyMain >"$work/empty-$t.log" 2>&1
    [[ -s $work/empty-$t.aot ]] || { cat "$work/empty-$t.log" >&2; echo "bench/cli-startup.sh: no AOT cache for the empty JVM on $java" >&2; exit 1; }
done

# An s6 service: its run script says "up" on a FIFO, which s6-supervise starts only once it holds
# its lock, so s6-svok's answer is settled when the line arrives.
svc=$work/svc
mkdir -p -- "$svc"
mkfifo "$work/svc.up"
printf '#!/bin/sh\necho up >%q\nexec sleep 100000\n' "$work/svc.up" >"$svc/run"
chmod +x "$svc/run"
s6-supervise "$svc" </dev/null >/dev/null 2>&1 &
supervise=$!
read -r -t 60 line <"$work/svc.up" || { echo 'bench/cli-startup.sh: s6-supervise did not start the service' >&2; exit 1; }

# name | expected exit code | command (tab-separated words)
rows=()
add() { # add TARGET NAME EXIT EMPTY-JAVA WORDS...
    local t=$1 name=$2 code=$3 empty=$4
    shift 4
    local IFS=$'\t'
    rows+=("$t|$name|$code|$empty|$*")
}
for t in dist clone; do
    [[ -z $only || $only == "$t" ]] || continue
    if [[ $t == dist ]]; then
        cmd=$home/bin/lifeline java=$home/runtime/bin/java
    else
        cmd=$root/lifeline java=$jdk/bin/java
        "$cmd" check --quiet "$beacons/live" || { echo 'bench/cli-startup.sh: ./lifeline does not see the beacon alive' >&2; exit 1; }
    fi
    empty_flags=(-XX:AOTCache="$work/empty-$t.aot" -Xlog:aot*=off -Xlog:cds*=off "${flags[@]}")
    empty=$(IFS=$'\t'; echo "${java}${IFS}${empty_flags[*]}${IFS}-cp${IFS}$work/empty.jar${IFS}dev.lifeline.bench.EmptyMain")
    add $t 'check PATH (alive)' 0 "$empty" "$cmd" check "$beacons/live"
    add $t 'check PATH (dead)' 1 "$empty" "$cmd" check "$beacons/dead"
    add $t 'status DIR (1 alive, 1 dead)' 1 "$empty" "$cmd" status "$beacons"
    add $t 'wait --dead PATH (dead)' 0 "$empty" "$cmd" wait --dead "$beacons/dead"
    add $t '--version' 0 "$empty" "$cmd" --version
    add $t '--help' 0 "$empty" "$cmd" --help
    if [[ $t == dist ]]; then
        # What bin/lifeline runs for check, without the launcher (sh, the locale block, the child).
        direct=(-XX:AOTCache="$home/app/lifeline-check.aot" -Xlog:aot*=off -Xlog:cds*=off "${flags[@]}"
            --enable-native-access=ALL-UNNAMED --add-opens=java.base/sun.nio.fs=ALL-UNNAMED)
        direct=(-Dlifeline.launcher=answers -Xint "${direct[@]}")
        natives=(-Dlifeline.backend=jdk -Djdk.reflect.useNativeAccessorOnly=true)
        add $t 'check PATH (dead), java without the launcher' 201 "$empty" "$java" "${direct[@]}" "${natives[@]}" \
            -cp "$home/app/lifeline-cli.jar" dev.lifeline.cli.Main check "$beacons/dead"
        # The same, its calls linked through FFM as before (the avenue the JDK's natives replace).
        add $t 'check PATH (dead), java without the launcher, through FFM' 201 "$empty" "$java" "${direct[@]}" \
            -Dlifeline.backend=ffm -cp "$home/app/lifeline-cli.jar" dev.lifeline.cli.Main check "$beacons/dead"
        add $t 'empty JVM, interpreted (-Xint, as check runs)' 0 "$empty" "$java" -Xint "${empty_flags[@]}" \
            -cp "$work/empty.jar" dev.lifeline.bench.EmptyMain
        add $t 'empty JVM against itself (noise floor)' 0 "$empty" "$java" "${empty_flags[@]}" -cp "$work/empty.jar" \
            dev.lifeline.bench.EmptyMain
        add $t 'empty JVM without an AOT cache or CDS archive' 0 "$empty" "$java" "${flags[@]}" -cp "$work/empty.jar" \
            dev.lifeline.bench.EmptyMain
        add $t 's6-svok (supervised service)' 0 "$empty" "$(command -v s6-svok)" "$svc"
    fi
done

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(uname -m), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r)"
    echo "jdk: $("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
    echo "pairs: $pairs"
    echo "load average at start: $(cut -d ' ' -f 1-3 /proc/loadavg)"
} >"$out/cli-startup-machine.txt"

printf '%s\n' "${rows[@]}" >"$work/rows"
python3 - "$pairs" "$work/rows" "$out/cli-startup-runs.tsv" "$out/cli-startup.md" <<'PY'
import os, sys, statistics, time

pairs = int(sys.argv[1])
raw_path, report_path = sys.argv[3], sys.argv[4]
rows = []
for line in open(sys.argv[2]).read().splitlines():
    target, name, code, empty, command = line.split("|", 4)
    rows.append((target, name, int(code), empty.split("\t"), command.split("\t")))

devnull = os.open(os.devnull, os.O_RDWR)

def run(argv):
    """One run: wall time (s), user + system CPU (s), exit code."""
    started = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
                                       (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)

# Warm-up (page cache, the launchers' caches), and each command's exit code checked once.
for target, name, code, empty, command in rows:
    for argv in (empty, command, empty, command):
        _, _, got = run(argv)
        want = 0 if argv is empty else code
        if got != want:
            sys.exit("bench/cli-startup.sh: %s %s exited %d, not %d: %s" % (target, name, got, want, " ".join(argv)))

results = {i: [] for i in range(len(rows))}
with open(raw_path, "w") as raw:
    raw.write("round\ttarget\trow\tfirst\tempty_wall_ms\tempty_cpu_ms\twall_ms\tcpu_ms\n")
    for r in range(pairs):
        for i, (target, name, code, empty, command) in enumerate(rows):
            first = "empty" if (r + i) % 2 == 0 else "command"
            if first == "empty":
                e, c = run(empty), run(command)
            else:
                c, e = run(command), run(empty)
            results[i].append((e, c))
            raw.write("%d\t%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\n" % (r, target, name, first, e[0] * 1e3, e[1] * 1e3,
                                                                   c[0] * 1e3, c[1] * 1e3))

med = statistics.median
lines = []
for target in dict.fromkeys(row[0] for row in rows):
    title = {"dist": "installed command (tarball: bin/lifeline, jlinked runtime, AOT cache)",
             "clone": "./lifeline in the source tree (JDK %s)" % os.environ.get("JAVA_HOME", "")}[target]
    if target == "clone":
        title = "./lifeline in the source tree (the build's JDK 25, the launcher's own AOT cache)"
    lines.append("")
    lines.append("%s, %d interleaved pairs, medians:" % (title, pairs))
    lines.append("")
    lines.append("| command | wall (ms) | empty JVM, same pairs (ms) | ratio (median of pairs) | CPU (ms) | empty JVM CPU (ms) |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for i, (t, name, code, empty, command) in enumerate(rows):
        if t != target:
            continue
        pr = results[i]
        lines.append("| %s | %.1f | %.1f | %.2fx | %.1f | %.1f |" % (
            name, med(c[0] for e, c in pr) * 1e3, med(e[0] for e, c in pr) * 1e3,
            med(c[0] / e[0] for e, c in pr), med(c[1] for e, c in pr) * 1e3, med(e[1] for e, c in pr) * 1e3))
with open(report_path, "w") as f:
    f.write("\n".join(lines).lstrip("\n") + "\n")
PY
echo "load average at end: $(cut -d ' ' -f 1-3 /proc/loadavg)" >>"$out/cli-startup-machine.txt"
cat "$out/cli-startup-machine.txt"
echo
cat "$out/cli-startup.md"
