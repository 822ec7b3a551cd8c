#!/usr/bin/env bash
# build.sh VERSION JARS OUT MAINTAINER: the installable lifeline command, run by Maven (lifeline-dist,
# phase package) with LIFELINE_JDK set to the JDK 25+ the build selected. Writes into OUT:
#
#   lifeline-VERSION-linux-ARCH.tar.gz   lifeline-VERSION/{bin/lifeline, runtime/, app/, share/}
#   lifeline_DEBVERSION_DEBARCH.deb      the same under /usr/lib/lifeline, /usr/bin/lifeline a link
#
# JARS holds lib/*.jar: the CLI jar and every jar its manifest's Class-Path names.
#   runtime/      a jlinked Java runtime holding only the modules jdeps finds the jars use
#   app/          lifeline-cli.jar, lib/*.jar (as the manifest names them), lifeline-COMMAND.aot:
#                 the JDK's AOT caches of check, status and wait, trained on that very runtime
#   bin/lifeline  runs app/ on runtime/, whatever java or JAVA_HOME the machine has
#   share/        the man page and the bash completion, written by the built command itself
# Fails, naming what is missing, when a tool it needs (jlink, jdeps, tar, gzip, dpkg-deb, objdump) is not there.
set -euo pipefail

version=$1 jars=$2 out=$3 maintainer=$4
here=$(cd -P -- "$(dirname -- "$0")" && pwd)
jdk=${LIFELINE_JDK:?LIFELINE_JDK must name the JDK home to jlink from}

for tool in tar gzip dpkg-deb objdump strip mkfifo; do
    command -v "$tool" >/dev/null || { echo "build.sh: needs $tool" >&2; exit 1; }
done
for tool in jlink jdeps; do
    [[ -x $jdk/bin/$tool ]] || { echo "build.sh: $jdk has no bin/$tool" >&2; exit 1; }
done
case $(uname -m) in
    x86_64) arch=x86_64 debarch=amd64 ;;
    aarch64) arch=aarch64 debarch=arm64 ;;
    *) echo "build.sh: no package for $(uname -m)" >&2; exit 1 ;;
esac
# Debian orders 0.1.0~SNAPSHOT before 0.1.0, as Maven orders 0.1.0-SNAPSHOT before 0.1.0; -1 is
# the first Debian packaging of that version (the package has a changelog.Debian of its own).
debversion=${version//-/\~}-1

name=lifeline-$version
stage=$out/dist/$name
rm -rf -- "$out/dist"
mkdir -p -- "$stage/bin" "$stage/app/lib" "$stage/share/man/man1" "$stage/share/bash-completion/completions"

# The jars, the CLI's own out of lib/ so that its manifest's Class-Path (lib/NAME) finds the rest.
cli=$(compgen -G "$jars/lib/lifeline-cli-*.jar")
cp -p -- "$cli" "$stage/app/lifeline-cli.jar"
for jar in "$jars"/lib/*.jar; do
    [[ $jar == "$cli" ]] || cp -p -- "$jar" "$stage/app/lib/"
done

echo "build.sh: finding the modules the jars use (jdeps)"
modules=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 \
    "$stage/app/lifeline-cli.jar" "$stage"/app/lib/*.jar 2>/dev/null)
echo "build.sh: jlink $modules"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$stage/runtime"
# Only java is run: the other launchers jlink adds for these modules (keytool, jwebserver) go. The
# native code loses its symbol tables (Debian's rule for shipped binaries: about a third of the
# size), before the training run, so that the cache is made by the very files shipped. The licence
# files jlink copies read-only become 0644 like every other file.
find "$stage/runtime/bin" -type f ! -name java -delete
find "$stage/runtime" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \) \
    -exec strip --strip-unneeded {} +
chmod -R u+w,go-w,a+rX "$stage/runtime"

install -m 755 -- "$here/lifeline" "$stage/bin/lifeline"
# How bin/lifeline starts the JVM: the same file the source tree's ./lifeline sources.
install -m 644 -- "$here/../../../lifeline-cli/src/main/launcher/launch.sh" "$stage/app/launch.sh"

# The AOT caches, trained on the jlinked runtime itself (a cache fits only the runtime that made
# it), with the flags bin/lifeline runs with, by the CLI's Training: one per answering command,
# app/lifeline-{check,status,wait}.aot, each on the paths its command takes (Training says why one
# each), on a FIFO this script holds open (live) and one nobody holds (dead), checked as those
# commands check (through the JDK's own natives, launch.sh says why), so that each cache holds
# what its command loads and nothing of the FFM linking they no longer do.
echo "build.sh: training the start-up caches"
flags=$(sed -n 's/^ *-XX:TieredStopAtLevel/-XX:TieredStopAtLevel/p' "$here/lifeline" | sed 's/ *[\\)]$//')
[[ $flags == -XX:TieredStopAtLevel=* ]] || { echo "build.sh: cannot read the JVM flags from $here/lifeline" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'exec 3>&-; rm -rf -- "$tmp"' EXIT
mkdir -m 700 -- "$tmp/training"
mkfifo -m 600 -- "$tmp/training/live" "$tmp/training/dead"
exec 3<>"$tmp/training/live"
for command in check status wait; do
    cache=$stage/app/lifeline-$command.aot
    # shellcheck disable=SC2086 # $flags is a list of options, split on purpose
    "$stage/runtime/bin/java" -XX:AOTCacheOutput="$cache" -Xlog:aot*=off -Xlog:cds*=off \
        -Dlifeline.backend=jdk -Djdk.reflect.useNativeAccessorOnly=true $flags -cp "$stage/app/lifeline-cli.jar" \
        dev.lifeline.cli.Training "$tmp/training" "$command" 3>&- >"$tmp/training.out" 2>&1 && [[ -s $cache ]] || {
        cat -- "$tmp/training.out" >&2
        echo "build.sh: the training run of $command did not answer as it must, or wrote no cache" >&2
        exit 1
    }
done
exec 3>&-

# The man page and the completion, from the command's own definitions, by the command as built.
"$stage/bin/lifeline" man >"$stage/share/man/man1/lifeline.1"
# The completion is sourced, not run: no #! line (bash-completion's rule).
"$stage/bin/lifeline" completion | sed '1{/^#!/d}' >"$stage/share/bash-completion/completions/lifeline"

tarball=$out/$name-linux-$arch.tar.gz
echo "build.sh: writing $tarball"
tar -C "$out/dist" --sort=name --owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -6n >"$tarball"

# The .deb: the same tree under /usr/lib/lifeline, the rest where Debian puts it.
deb=$out/dist/deb
lib=$deb/usr/lib/lifeline
mkdir -p -- "$lib" "$deb/DEBIAN" "$deb/usr/bin" "$deb/usr/share/man/man1" \
    "$deb/usr/share/bash-completion/completions" "$deb/usr/lib/systemd/system" \
    "$deb/usr/share/doc/lifeline" "$deb/usr/share/lintian/overrides"
cp -a -- "$stage/bin" "$stage/runtime" "$stage/app" "$lib/"
ln -s ../lib/lifeline/bin/lifeline "$deb/usr/bin/lifeline"
gzip -9n <"$stage/share/man/man1/lifeline.1" >"$deb/usr/share/man/man1/lifeline.1.gz"
install -m 644 -- "$stage/share/bash-completion/completions/lifeline" "$deb/usr/share/bash-completion/completions/lifeline"
install -m 644 -- "$here/lifeline-serve.service" "$deb/usr/lib/systemd/system/lifeline-serve.service"
install -m 644 -- "$here/copyright" "$deb/usr/share/doc/lifeline/copyright"
install -m 644 -- "$here/lintian-overrides" "$deb/usr/share/lintian/overrides/lifeline"
# The changelog's date is the build's; its one entry names the version built.
{
    printf 'lifeline (%s) unstable; urgency=medium\n\n' "$debversion"
    printf '  * lifeline %s, built with Maven: mvn -B -Pdist package.\n\n' "$version"
    printf ' -- %s  %s\n' "$maintainer" "$(date -R)"
} | gzip -9n >"$deb/usr/share/doc/lifeline/changelog.Debian.gz"
chmod 644 "$deb/usr/share/doc/lifeline/changelog.Debian.gz" "$deb/usr/share/man/man1/lifeline.1.gz"

# The lowest glibc the runtime's binaries ask for.
glibc=$(find "$lib/runtime" -type f \( -name '*.so' -o -perm -u+x \) -exec objdump -T {} + 2>/dev/null \
    | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
[[ -n $glibc ]] || { echo "build.sh: found no glibc version in the runtime's binaries" >&2; exit 1; }
size=$(du -sk --apparent-size "$deb/usr" | cut -f1)
cat >"$deb/DEBIAN/control" <<CONTROL
Package: lifeline
Version: $debversion
Architecture: $debarch
Maintainer: $maintainer
Installed-Size: $size
Depends: libc6 (>= $glibc)
Section: admin
Priority: optional
Description: tells whether a daemon is alive, with one system call
 The daemon holds a named pipe (FIFO) open for reading; a checker's
 non-blocking open for writing succeeds only while it does, and the kernel
 lets go however the daemon ends (exit, crash, kill -9), so the answer never
 goes stale.
 .
 The lifeline command checks, holds, waits on and watches such beacons,
 gives any program one (lifeline run, lifeline exec), and serves their
 states over HTTP for Prometheus and health probes (lifeline serve; the
 systemd unit lifeline-serve is installed, not enabled). It brings its own
 Java runtime.
CONTROL
(cd "$deb" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$deb/DEBIAN/md5sums"
chmod 644 "$deb/DEBIAN/control" "$deb/DEBIAN/md5sums"
package=$out/lifeline_${debversion}_$debarch.deb
echo "build.sh: writing $package"
dpkg-deb --root-owner-group -Zgzip --build "$deb" "$package" >/dev/null
