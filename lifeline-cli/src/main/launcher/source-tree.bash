#!/bin/bash
# source-tree.bash: the source tree's ./lifeline, all of it but its fast path. ./lifeline (POSIX sh)
# runs this, with the tree's root as the first argument and then the command's own, for every
# command it cannot answer on the word of an earlier call (see there): this finds the JDK, builds
# the CLI when it is stale, makes the command's start-up cache, leaves for ./lifeline the word it
# needs next time (write_fast_path), and then runs the JVM through launch.sh.
#
# Finds a JDK 25 or newer, in this order: $JAVA_HOME, `java` on the PATH, then the usual install
# places (/usr/lib/jvm/*, /usr/java/*, /opt/java/*, /opt/jdk*, ~/.sdkman/candidates/java/*,
# ~/.jdks/*), where the newest 25+ wins. Builds the CLI with Maven when its jar is missing or
# older than a pom or main source of a module it uses (see stale), saying so on stderr once.
#
# Test hook: LIFELINE_JDK_SEARCH_ROOT, if set, is prefixed to the install places searched (not to
# $JAVA_HOME or the PATH), so that a test can present a machine with no JDK, or with fake ones.
set -euo pipefail

die() {
    printf 'lifeline: %s\n' "$1" >&2
    exit 4
}
# Whatever stops this script before the JVM starts (a failed command under set -e, a variable
# unset under set -u) would exit 1 or so, which check's callers take for DEAD: it is 4, no answer.
trap 'code=$?; ((code == 0 || code == 4)) || die "the launcher failed (exit status $code) before the JVM started; no answer"' EXIT

# The tree's root, as ./lifeline found it (absolute, links followed).
root=$1
shift
# Set to 1 by whatever lists names one per line (for write_fast_path) and meets a name with a
# newline in it: such a list would say something else to ./lifeline.
unlisted=
target_dir=$root/lifeline-cli/target

# Sets $major to the major version of the JDK whose java binary is $1, or to nothing. Reads the
# JDK's `release` file with bash alone: every fork here is paid on each call of the command.
java_major() {
    local java=$1 home line version=
    major=
    [[ -x $java ]] || return 0
    home=${java%/bin/java}
    if [[ ! -r $home/release ]]; then
        home=$(readlink -f -- "$java") && home=${home%/bin/java}
    fi
    if [[ -r $home/release ]]; then
        while IFS= read -r line; do
            if [[ $line == JAVA_VERSION=* ]]; then
                version=${line#JAVA_VERSION=}
                version=${version//\"/}
                break
            fi
        done <"$home/release"
    fi
    if [[ -z $version ]]; then
        version=$("$java" -version 2>&1 | sed -n '1s/.* version "\([^"]*\)".*/\1/p') || true
    fi
    version=${version#1.} # 1.8.0_402 is Java 8
    version=${version%%[!0-9]*}
    major=$version
    return 0
}

# Sets $candidate to the first java on the PATH, as `command -v java` finds it, without the
# subshell that capturing its output would start; fails if there is none.
path_java() {
    local dir IFS=:
    candidate=
    set -f
    for dir in $PATH; do
        dir=${dir:-.}
        if [[ -f $dir/java && -x $dir/java ]]; then
            candidate=$dir/java
            break
        fi
    done
    set +f
    [[ -n $candidate ]]
}

# Sets $java to a JDK 25+ java binary: $JAVA_HOME, then `java` on the PATH, then the newest 25+ in
# the usual install places; nothing if none is found. Also sets what ./lifeline's fast path checks
# to know that the choice would be the same (write_fast_path): $chosen_by (home, path or search),
# $path_java (the first java on the PATH, or nothing) and $places (the install places' javas, one
# per line).
find_java() {
    local candidate best= best_major=0 home=${HOME:-}
    # Globs sorted bytewise, as dash sorts them: ./lifeline compares the lists.
    local LC_ALL=C
    java= chosen_by= path_java= places=
    if [[ -n ${JAVA_HOME:-} ]]; then
        java_major "$JAVA_HOME/bin/java"
        if [[ -n $major ]] && ((major >= 25)); then
            java=$JAVA_HOME/bin/java chosen_by=home
            return
        fi
    fi
    if path_java; then
        path_java=$candidate
        java_major "$candidate"
        if [[ -n $major ]] && ((major >= 25)); then
            java=$candidate chosen_by=path
            return
        fi
    fi
    local r=${LIFELINE_JDK_SEARCH_ROOT:-}
    shopt -s nullglob
    local -a found=("$r"/usr/lib/jvm/*/bin/java "$r"/usr/java/*/bin/java "$r"/opt/java/*/bin/java "$r"/opt/jdk*/bin/java)
    # Without a HOME, no place under it (not /.sdkman).
    if [[ -n $home ]]; then
        found+=("$home"/.sdkman/candidates/java/*/bin/java "$home"/.jdks/*/bin/java)
    fi
    shopt -u nullglob
    for candidate in "${found[@]}"; do
        places+=$candidate$'\n'
        [[ $candidate != *$'\n'* ]] || unlisted=1
        java_major "$candidate"
        if [[ -n $major ]] && ((major >= 25 && major > best_major)); then
            best=$candidate
            best_major=$major
        fi
    done
    shopt -u nullglob
    java=$best chosen_by=search
    return 0
}

# Sets $jar to the newest CLI jar, or to nothing. Globs and -nt are bash's own: no process is
# started for this on each call of the command. The sources and Javadoc jars a release build
# (-Prelease) leaves beside it are not the CLI. $cli_jars gets every CLI jar, one per line.
cli_jar() {
    local candidate LC_ALL=C
    jar= cli_jars=
    shopt -s nullglob
    for candidate in "$target_dir"/lifeline-cli-*.jar; do
        [[ $candidate == *-sources.jar || $candidate == *-javadoc.jar ]] && continue
        cli_jars+=$candidate$'\n'
        [[ $candidate != *$'\n'* ]] || unlisted=1
        if [[ -z $jar || $candidate -nt $jar ]]; then
            jar=$candidate
        fi
    done
    shopt -u nullglob
    return 0
}

# True when the jar must be (re)built: no jar, no lib/ beside it, or a pom or main source newer
# than it, of the parent, of the CLI, or of any module the CLI uses: those whose jars its lib/
# holds, which are every module it depends on, directly or not, as Maven resolved them at the
# last build (a new dependency is a change of the CLI's pom, which rebuilds). Globs and -nt are
# bash's own: no process is started for this on each call of the command (a `find` here cost a
# check some 13 ms; bench/results/2026-12-05/cli-startup.md). When it finds nothing newer,
# $sources holds every name it compared, one per line, for write_fast_path.
stale() {
    local jar module name entry libs=' ' found=1 LC_ALL=C
    local -a files=("$root/pom.xml") dirs=()
    sources= lib_jars=
    cli_jar
    [[ -n $jar && -d $target_dir/lib ]] || return 0
    shopt -s nullglob
    for entry in "$target_dir"/lib/*.jar; do
        libs+="${entry##*/} "
        lib_jars+=$entry$'\n'
        [[ $entry != *$'\n'* ]] || unlisted=1
    done
    for module in "$root"/lifeline-*/; do
        module=${module%/}
        name=${module##*/}
        if [[ $name == lifeline-cli || $libs == *" $name-"[0-9]* ]]; then
            # src/main itself too: made later, it is newer than the jar.
            files+=("$module/pom.xml" "$module/src/main")
            dirs+=("$module/src/main")
        fi
    done
    # Everything under the source directories, themselves included and hidden names too, as `find`
    # walks them: a directory's own time covers the names added to it or removed from it.
    for entry in "${files[@]}"; do
        sources+=$entry$'\n'
        [[ $entry != *$'\n'* ]] || unlisted=1
        if [[ $entry -nt $jar ]]; then
            found=0
        fi
    done
    shopt -s globstar dotglob
    for module in "${dirs[@]}"; do
        ((found)) || break
        for entry in "$module"/**; do
            sources+=$entry$'\n'
            [[ $entry != *$'\n'* ]] || unlisted=1
            if [[ $entry -nt $jar ]]; then
                found=0
                break
            fi
        done
    done
    shopt -u globstar dotglob nullglob
    ((found)) || sources=
    return $found
}

build() {
    command -v mvn >/dev/null || die "needs Maven (mvn) to build the CLI on first use; install Maven 3.8+"
    mkdir -p -- "$target_dir"
    # Two first uses at once build once: the second waits, then finds the jar fresh.
    if command -v flock >/dev/null; then
        exec 9>"$target_dir/.launcher-build.lock"
        flock 9
    fi
    if stale; then
        echo 'lifeline: building the CLI (first use)...' >&2
        # Maven's output goes to a log, shown only if the build fails: stdout carries the command's
        # answer alone. Maven may run on any JDK 17+; the build itself picks a JDK 25+ through
        # maven-toolchains-plugin.
        local log=$target_dir/launcher-build.log
        if ! mvn -B -q -DskipTests -f "$root/pom.xml" -pl lifeline-cli -am package >"$log" 2>&1; then
            cat -- "$log" >&2
            die "the build failed (log above, also in $log)"
        fi
    fi
    exec 9>&-
}

find_java
[[ -n $java ]] || die "needs a JDK 25 or newer; install one (e.g. Temurin 25) or set JAVA_HOME"

if stale; then
    build
    # Walked again, for write_fast_path: the names as the build left them, none newer than the jar.
    stale || true
fi
cli_jar
[[ -n $jar ]] || die "no CLI jar in $target_dir after the build"


# Start-up flags: a command that answers in milliseconds gains nothing from C2 or from a
# concurrent collector, and loses their start-up cost on every call (a probe may call it every
# few seconds). No perf-data file in /tmp either.
# --add-opens: see launch.sh (the JDK's own natives for check, status and wait).
jvm_flags=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED
    --add-opens=java.base/sun.nio.fs=ALL-UNNAMED)

# The JDK's AOT caches (JEP 483/514): classes loaded and linked ahead of time, from a training run
# of a command: check, status and wait each have their own, every other command starts with
# check's (the CLI's Training says why). A cache is only valid for the exact jars and the exact JDK build that made it, and
# on JDK 25.0.3 a stale one could silently keep running old classes (JDK-8377932), so its name is
# a hash of the jars, the JDK's release file and the java binary: anything new gets a new cache
# and an old one is never used. Made on first use, once, saying so; LIFELINE_AOT=0 turns it off.
# Hashing 3 MB of jars on every call cost more than a third of the launcher's time, so the hash is
# remembered in aot/fingerprints beside a fingerprint of its inputs (one `stat`: name, size, inode,
# modification and change time, to the nanosecond). The change time cannot be set back, not even
# by a copy that keeps times, so a jar replaced or rewritten never matches an old fingerprint.
aot_cache() {
    [[ ${LIFELINE_AOT:-1} != 0 ]] || return 0
    local home dir=$target_dir/aot cache tmp held fingerprint index= remembered=
    key=
    command -v sha256sum >/dev/null || return 0
    home=${java%/bin/java}
    if [[ ! -r $home/release ]]; then
        home=$(readlink -f -- "$java") && home=${home%/bin/java}
    fi
    [[ -r $home/release ]] || return 0
    fingerprint=$(stat -L -c '%n %s %i %.9Y %.9Z' -- "$jar" "$target_dir"/lib/*.jar "$home/release" "$java") || return 0
    if [[ -r $dir/fingerprints ]]; then
        IFS= read -r -d '' index <"$dir/fingerprints" || true
        remembered=${index#*$'\n'}
        if [[ ${remembered%$'\n'} == "$fingerprint" ]]; then
            key=${index%%$'\n'*}
        fi
    fi
    if [[ -z $key ]]; then
        key=$({ cat -- "$jar" "$target_dir"/lib/*.jar "$home/release"; printf '%s' "$java"; } | sha256sum | cut -c1-20)
    fi
    cache=$dir/lifeline-$key-$kind.aot
    if [[ ! -s $cache ]]; then
        mkdir -p -- "$dir" || return 0
        echo 'lifeline: preparing the start-up cache (first use)...' >&2
        tmp=$(mktemp -d) || return 0
        # The training run (the CLI's Training) takes the paths of the command, on a FIFO held
        # here (live) and one nobody holds (dead). Its output and the
        # JDK's notes about classes it cannot cache go to /dev/null; a failure leaves no cache, and
        # the CLI runs without one.
        mkdir -m 700 -- "$tmp/training" && mkfifo -m 600 -- "$tmp/training/live" "$tmp/training/dead" \
            && exec {held}<>"$tmp/training/live" || { rm -rf -- "$tmp"; return 0; }
        "$java" -XX:AOTCacheOutput="$tmp/cache.aot" -Xlog:aot*=off -Xlog:cds*=off "${jvm_flags[@]}" \
            -Dlifeline.backend=jdk -Djdk.reflect.useNativeAccessorOnly=true \
            -cp "$jar" dev.lifeline.cli.Training "$tmp/training" "$kind" >/dev/null 2>&1 {held}>&- || rm -f -- "$tmp/cache.aot"
        exec {held}>&-
        if [[ -s $tmp/cache.aot ]]; then
            mv -f -- "$tmp/cache.aot" "$cache.$$" && mv -f -- "$cache.$$" "$cache"
            find "$dir" -maxdepth 1 -name 'lifeline-*.aot' ! -name "lifeline-$key-*.aot" -delete 2>/dev/null || true
        fi
        rm -rf -- "$tmp"
    fi
    if [[ -s $cache && $index != "$key"$'\n'"$fingerprint"$'\n' ]]; then
        # Written whole, then renamed: a concurrent call reads the old index or the new, never half.
        printf '%s\n%s\n' "$key" "$fingerprint" >"$dir/fingerprints.$$" && mv -f -- "$dir/fingerprints.$$" "$dir/fingerprints" || true
    fi
    [[ -s $cache ]] && aot=$cache
    return 0
}

# Called, not captured: a command substitution would fork a subshell on every call. `|| true`
# keeps what the subshell gave: a failure in there means no cache, never the end of the command
# (bash ignores set -e inside a function called on the left of ||).
aot= key= kind=check
case ${1:-} in
    check | status | wait) kind=$1 ;;
esac
unset LIFELINE_AOT_RECHECK
aot_cache || true
if [[ -n $aot ]]; then
    jvm_flags=(-XX:AOTCache="$aot" -Xlog:aot*=off -Xlog:cds*=off "${jvm_flags[@]}")
fi

# Appends to $word the line NAME='VALUE' of POSIX sh ($1, $2): the value in single quotes, each '
# in it written '\''. No subshell: each costs this machine some 3 ms.
sh_line() {
    local quote="'\\''"
    word+="$1='${2//\'/$quote}'"$'\n'
}

# Leaves ./lifeline (POSIX sh) what it needs to answer the next check, status or wait without
# this script: what chose the JDK and what it chose, the jar, the cache's key, and every name
# stale() compared, so that it can tell, with the shell's own tests alone, that this script would
# choose and find the same again (./lifeline's fast_path_holds says how). Written only after a
# walk that found nothing newer than the jar and with a cache made, whole and then renamed, so a
# concurrent call reads the old word or the new. A name with a newline in it cannot be listed one
# per line: then no word is left, and every call takes this script.
write_fast_path() {
    local dir=$target_dir/aot path_java_file= java_file value
    [[ $kind == "${1:-}" && -n $aot && -n $key && -n $sources && -n $chosen_by ]] || return 0
    for value in "$root" "${JAVA_HOME:-}" "$path_java" "${LIFELINE_JDK_SEARCH_ROOT:-}" "${HOME:-}" "$java" "$jar"; do
        [[ $value != *$'\n'* ]] || return 0
    done
    # A name with a newline of its own was listed (unlisted, set where the lists are made).
    [[ -z $unlisted ]] || return 0
    if [[ -n $path_java ]]; then
        path_java_file=$(readlink -f -- "$path_java") || return 0
    fi
    # The file the chosen java is: a link on the way to it (JAVA_HOME through a "current" link, say)
    # pointed elsewhere since is seen by ./lifeline's -ef. The PATH's java, when it is the one.
    if [[ $java == "$path_java" ]]; then
        java_file=$path_java_file
    else
        java_file=$(readlink -f -- "$java") || return 0
    fi
    local word="# Written by lifeline-cli/src/main/launcher/source-tree.bash for ./lifeline's fast path: see there."$'\n' now=
    sh_line fast_format 2
    sh_line fast_root "$root"
    sh_line fast_java_home "${JAVA_HOME:-}"
    sh_line fast_chosen_by "$chosen_by"
    sh_line fast_path_java "$path_java"
    sh_line fast_path_java_file "$path_java_file"
    sh_line fast_search_root "${LIFELINE_JDK_SEARCH_ROOT:-}"
    sh_line fast_home "${HOME:-}"
    sh_line fast_places "$places"
    sh_line fast_java "$java"
    sh_line fast_java_file "$java_file"
    sh_line fast_cli_jars "$cli_jars"
    sh_line fast_lib_jars "$lib_jars"
    sh_line fast_jar "$jar"
    sh_line fast_key "$key"
    sh_line fast_sources "$sources"
    # The same word as there already (the usual case: the fast path stepped aside for a reason of
    # its own, or a call before this one wrote it): left as it is, without the mv.
    if [[ -r $dir/fast-path ]]; then
        IFS= read -r -d '' now <"$dir/fast-path" || true
    fi
    [[ $now != "$word" ]] || return 0
    printf '%s' "$word" >"$dir/fast-path.$$" && mv -f -- "$dir/fast-path.$$" "$dir/fast-path" || rm -f -- "$dir/fast-path.$$"
    return 0
}
write_fast_path "$@" || true

# The jar's manifest Class-Path names its exact dependencies in lib/; a lib/* glob could also
# pick up jars of an older version left behind there. launch.sh takes the JVM's arguments as
# "$@" (it is POSIX sh, shared with the installed bin/lifeline, and has no arrays).
launch=$root/lifeline-cli/src/main/launcher/launch.sh
[[ -r $launch ]] || die "$launch is missing: the source tree is incomplete"
verb=${1:-}
set -- "${jvm_flags[@]}" -cp "$jar" dev.lifeline.cli.Main "$@"
# From here on, exit codes are launch.sh's (the JVM's answer, or 4).
trap - EXIT
. "$launch"
