# launch.sh: how both launchers start the CLI's JVM, sourced as their last step: the installed
# bin/lifeline (tarball, .deb) and the source tree's ./lifeline (its fast path) or
# source-tree.bash (everything else).
# One copy, so that neither can drift from the other in what an exit code means or which locale
# the JVM decodes names with. POSIX sh: bin/lifeline runs under /bin/sh because bash's own start
# and its fork cost every call of the command some 6 ms more than dash's
# (bench/results/2026-12-05/cli-startup-round3.md).
#
# Expects: $java (the java binary), $verb (the command's first argument, or nothing), die()
# (prints one line and exits 4), and as "$@" the JVM's arguments after java: the start-up flags,
# -cp, the main class and the command's arguments. Optionally stale_cache() (see its use below),
# which is given those arguments.
# Never returns: it execs or exits.

# --- Locale, for names (this block and nothing else here is about the locale) ---
# The JVM decodes argv and file names with the locale's charset (sun.jnu.encoding; on JDK 25 no
# -D option changes it, and -Dfile.encoding does not touch it). Under C/POSIX that charset is
# ASCII, and every name with a byte above 0x7F, valid UTF-8 included, would be lost: `status DIR`
# would call a FIFO named wörker absent. So where the caller's locale is not UTF-8, the JVM gets
# LC_ALL=C.UTF-8 (built into glibc 2.35+, and into Debian's libc-bin before that). The caller's
# own LC_ALL travels in LIFELINE_CALLER_LC_ALL (absent when the caller had none) with
# LIFELINE_LOCALE_CHANGED=1, and the programs that `run` and `exec` start get the caller's
# environment back exactly, those two gone. The test is the shell's own pattern match, in any
# case: no fork, since this runs on every check. Names that are not valid UTF-8 at all are
# refused by the CLI itself.
case ${LC_ALL:-${LC_CTYPE:-${LANG:-}}} in
    *.[Uu][Tt][Ff]-8* | *.[Uu][Tt][Ff]8*) ;;
    *)
        if [ -n "${LC_ALL+set}" ]; then
            LIFELINE_CALLER_LC_ALL=$LC_ALL
            export LIFELINE_CALLER_LC_ALL
        else
            unset LIFELINE_CALLER_LC_ALL
        fi
        LIFELINE_LOCALE_CHANGED=1
        LC_ALL=C.UTF-8
        export LIFELINE_LOCALE_CHANGED LC_ALL
        ;;
esac
# --- end of the locale block ---

# Whether stdin and stdout are terminals (status's colours, help's styles): the shell's -t, so
# that the JVM need not make a Console to ask (dev.lifeline.cli.Main.onTerminal).
if [ -t 0 ] && [ -t 1 ]; then
    terminal=true
else
    terminal=false
fi

case $verb in
    check | status | wait) ;;
    --version | -V | --help | -h)
        # Printed from what the build prepared, then the JVM is gone: interpreted, as check is
        # below, since C1's thread would only compete for the CPU (measured: 7 ms less for
        # --version; bench/results/2026-12-05/cli-startup.md).
        exec "$java" -Dlifeline.terminal=$terminal -Xint "$@"
        ;;
    *)
        # The holders (hold, run, exec) and everything else: exec, so that the process started is
        # the one that holds a beacon, and signals reach it directly.
        exec "$java" -Dlifeline.terminal=$terminal "$@"
        ;;
esac

# check, status and wait answer with their exit code, and a JVM that cannot start (too few
# descriptors, too little memory, bad JAVA_TOOL_OPTIONS) or dies exits 1, which is DEAD to
# their callers. So the JVM runs as a child, and says it answered by exiting 200 + the code (250
# for 150): anything else is a failure, reported as 4. The signals this script gets are passed
# on to it. The child starts with the caller's dispositions where the shell lets it: bash resets
# SIGINT and SIGQUIT (which an asynchronous child starts ignoring) with `trap -`; dash keeps them
# ignored whatever it is told, so there the JVM is sent SIGTERM as well on SIGINT, and the
# script exits 130 all the same.
# -Xint: these commands answer after little work, and the C1 compiler's thread competed with them
# for the CPU (it compiles what linking the native calls runs): side by side on a loaded 2-core
# machine, a dead check took 170 ms of CPU interpreted against 277 with C1, and no more wall time
# (bench/results/2026-12-04/cli-startup.md). The AOT cache, trained with C1's flags, fits as it is.
# The holders and the other commands keep C1 (exec above).
# -Dlifeline.backend=jdk: the check's calls (open, fstat, stat, close) go through the natives the
# JDK has already linked for its own file system, which --add-opens java.base/sun.nio.fs (in
# the flags, for every command, so that one AOT cache fits all) lets lifeline reach, and
# -Djdk.reflect.useNativeAccessorOnly=true lets it call without spinning a lambda form: linking
# FFM downcalls for them cost a check some 40 ms, most of what it took above an empty JVM
# (bench/results/2026-12-05/cli-startup.md). Where those natives cannot be had, FFM answers.
(
    trap - INT QUIT
    exec "$java" -Dlifeline.launcher=answers -Dlifeline.backend=jdk -Djdk.reflect.useNativeAccessorOnly=true -Xint \
        -Dlifeline.terminal=$terminal "$@"
) &
child=$!
interrupted=
trap 'kill -HUP $child 2>/dev/null' HUP
trap 'interrupted=1; kill -INT $child 2>/dev/null; kill -TERM $child 2>/dev/null' INT
trap 'kill -QUIT $child 2>/dev/null' QUIT
trap 'kill -TERM $child 2>/dev/null' TERM
# wait returns above 128 when a passed-on signal interrupted it while the child still runs.
while wait "$child"; status=$?; [ "$status" -gt 128 ] && kill -0 "$child" 2>/dev/null; do :; done
case $status in
    250) exit 150 ;;
    2[0-4][0-9]) exit $((status - 200)) ;;
    129 | 130 | 143)
        # ended by SIGHUP, SIGINT or SIGTERM, as documented; SIGINT is 130 even where the JVM
        # could only be stopped with SIGTERM (dash, above)
        [ -z "$interrupted" ] || exit 130
        exit "$status"
        ;;
    199)
        # The source tree's start-up cache did not match its jars (dev.lifeline.cli.StartupCache),
        # and the JVM stopped before it answered: ./lifeline (stale_cache) runs the command again.
        if command -v stale_cache >/dev/null 2>&1; then
            stale_cache "$@"
        fi
        die "the JVM failed before it answered (exit status $status; its message, if any, is above); no answer"
        ;;
    *)
        if [ "$status" -gt 128 ]; then
            die "the JVM was killed by signal $((status - 128)) before it answered; no answer"
        fi
        die "the JVM failed before it answered (exit status $status; its message, if any, is above); no answer"
        ;;
esac
