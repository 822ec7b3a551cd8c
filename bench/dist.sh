#!/usr/bin/env bash
# bench/dist.sh: the figures the README gives for the installable command. Builds the tarball and the
# .deb (mvn -Pdist, with lifeline-bench for its EmptyMain), prints their sizes, unpacks the tarball
# into a temporary directory and times, side by side with hyperfine, its `lifeline check` of a live
# beacon (held by the tarball's own `lifeline hold`) against an empty JVM: a Main that returns, on the
# runtime the tarball ships and on the build's JDK 25 with its default CDS archive. Needs Maven, a
# JDK 25+ for the build, hyperfine, python3, and what the dist build needs (dpkg-deb, binutils).
#
#   bench/dist.sh            # prints Markdown tables; raw figures in lifeline-dist/target/bench/
#   LIFELINE_BENCH_SKIP_BUILD=1 bench/dist.sh    # use what the last dist build wrote
set -euo pipefail
root=$(cd -P -- "$(dirname -- "$0")/.." && pwd)
cd "$root"
command -v hyperfine >/dev/null || { echo 'bench/dist.sh: needs hyperfine (Debian package hyperfine)' >&2; exit 1; }

if [[ ${LIFELINE_BENCH_SKIP_BUILD:-0} != 1 ]]; then
    echo 'bench/dist.sh: building the tarball and the .deb (mvn -Pdist)...' >&2
    mvn -B -q -DskipTests -Pdist package -pl lifeline-dist,lifeline-bench -am >&2
fi
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -n 1)
target=$root/lifeline-dist/target
tarball=$target/lifeline-$version-linux-x86_64.tar.gz
deb=$(compgen -G "$target/lifeline_*_amd64.deb" | head -n 1)
classes=$root/lifeline-bench/target/classes
[[ -f $tarball && -f $deb && -f $classes/dev/lifeline/bench/EmptyMain.class ]] \
    || { echo "bench/dist.sh: missing $tarball, the .deb or EmptyMain: run without LIFELINE_BENCH_SKIP_BUILD" >&2; exit 1; }
jdk=$(compgen -G '/usr/lib/jvm/*25*/bin/java' | head -n 1 || true)
[[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"25' && jdk=$JAVA_HOME/bin/java

out=$target/bench
rm -rf -- "$out"
mkdir -p -- "$out"
work=$(mktemp -d)
holder=
cleanup() {
    [[ -z $holder ]] || kill "$holder" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf -- "$work"
}
trap cleanup EXIT
tar -xzf "$tarball" -C "$work"
home=$work/lifeline-$version
beacon=$work/live.beacon

# A live beacon, held by the tarball's own command: wait for its "holding" line, with a deadline.
mkfifo "$work/holder.out"
"$home/bin/lifeline" hold "$beacon" >"$work/holder.out" &
holder=$!
read -r -t 60 line <"$work/holder.out" || { echo 'bench/dist.sh: the holder did not start' >&2; exit 1; }
[[ $line == holding* ]] || { echo "bench/dist.sh: the holder said: $line" >&2; exit 1; }
"$home/bin/lifeline" check --quiet "$beacon" || { echo 'bench/dist.sh: the beacon is not alive' >&2; exit 1; }

size() { du -k --apparent-size "$1" | cut -f1; }
{
    echo "tarball $(basename "$tarball") $(size "$tarball") KiB"
    echo "deb $(basename "$deb") $(size "$deb") KiB, installed $(dpkg-deb -f "$deb" Installed-Size) KiB"
    echo "unpacked tarball $(du -sk --apparent-size "$home" | cut -f1) KiB (runtime $(du -sk --apparent-size "$home/runtime" | cut -f1), AOT caches $(du -kc --apparent-size "$home"/app/lifeline-*.aot | tail -n 1 | cut -f1))"
    echo "machine: $(nproc) cores, $(uname -r), load $(cut -d ' ' -f 1-3 /proc/loadavg)"
} | tee "$out/sizes.txt" >&2

# The same check without the AOT cache: bin/lifeline's java command line less -XX:AOTCache.
flags=$(sed -n 's/^ *-XX:TieredStopAtLevel/-XX:TieredStopAtLevel/p' "$home/bin/lifeline" | sed 's/ *\\$//')
names=('lifeline check (unpacked tarball, live beacon)'
    'the same check without the AOT cache (runtime/bin/java ... Main check)'
    'empty JVM on the shipped runtime (runtime/bin/java -cp ... EmptyMain)')
commands=("$home/bin/lifeline check --quiet $beacon"
    "$home/runtime/bin/java $flags -cp $home/app/lifeline-cli.jar dev.lifeline.cli.Main check --quiet $beacon"
    "$home/runtime/bin/java -Xshare:auto -cp $classes dev.lifeline.bench.EmptyMain")
if [[ -n $jdk ]]; then
    names+=('empty JVM on the JDK 25 (java -Xshare:auto -cp ... EmptyMain, default CDS archive)')
    commands+=("$jdk -Xshare:auto -cp $classes dev.lifeline.bench.EmptyMain")
fi
args=()
for i in "${!names[@]}"; do
    args+=(-n "${names[$i]}" "${commands[$i]}")
done
hyperfine -N --warmup 3 --runs 50 --export-markdown "$out/hyperfine.md" --export-json "$out/hyperfine.json" "${args[@]}" >"$out/hyperfine.log" 2>&1 \
    || { cat "$out/hyperfine.log" >&2; exit 1; }
# Wall time suffers most from other work on the machine; the CPU time each run used, less so.
python3 - "$out/hyperfine.json" <<'PY'
import json, sys
print("| command | median (ms) | mean (ms) | ± (ms) | user + system CPU (ms) |")
print("| --- | ---: | ---: | ---: | ---: |")
for r in json.load(open(sys.argv[1]))["results"]:
    print("| %s | %.1f | %.1f | %.1f | %.1f |" % (r["command"], r["median"] * 1e3, r["mean"] * 1e3, r["stddev"] * 1e3,
                                                (r["user"] + r["system"]) * 1e3))
PY
