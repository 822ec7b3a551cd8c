package dev.lifeline.cli;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.Watcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline watch PATH... | DIR}: follows beacons with one {@link Watcher} and prints one
 * line per change of state, the first report of each path included:
 * {@code 2026-11-25T10:00:00.123Z /run/x alive -> dead}. A DIR means every beacon in it (FIFOs,
 * and supervision directories) now, and every FIFO that appears in it later: the watcher follows
 * the directory with its own inotify instance ({@link Watcher#followDirectory}) and this command
 * hands it each new FIFO. A DIR that does not exist
 * yet (written with a trailing slash, see {@link Operands}) is followed once it appears.
 *
 * <p>It runs until SIGINT or SIGTERM, {@code --timeout} or {@code --count} lines, then closes the
 * watcher, and exits 0; 1 only when {@code --timeout} ended it before
 * {@code --count} lines came.
 */
@Command(name = "watch",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnExecutionException = Main.EXIT_UNKNOWN,
        description = {
            "Follows beacons and prints one line per change of state, with the time (ISO-8601, UTC):"
                    + " '2026-11-25T10:00:00.123Z /run/x alive -> dead'. The first report of each beacon"
                    + " has no arrow.",
            "A DIR means every beacon in it (FIFOs and supervision directories), and every FIFO that"
                    + " appears in it later. Event-driven: nothing is polled.",
            "A DIR that does not exist yet is followed once it appears if written with a trailing slash"
                    + " (DIR/); without one, a missing path is a beacon.",
            "Runs until SIGINT, SIGTERM, --timeout or --count."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ended by SIGINT, SIGTERM, --count lines, or --timeout when no --count was asked",
            "1:--timeout passed before --count lines were printed",
            "2:usage error",
            "4:could not watch (no descriptor or inotify instance left, DIR unreadable, ...); the reason is on stderr",
        })
public final class WatchCommand implements Callable<Integer> {
    static final int EXIT_ENDED = 0;
    static final int EXIT_TIMED_OUT = 1;

    /** Always milliseconds, so that lines align; UTC, as the JSON times. */
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", converter = Converters.PathConverter.class,
            description = "Beacons, supervision directories, or directories of beacons to follow.")
    List<Path> paths;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "End after this long: 500ms, 30s, 5m, 1h, 1d, or ISO-8601. Default: until a signal.")
    Duration timeout;

    @Option(names = "--count", paramLabel = "N", description = "End after N lines (N > 0).")
    Integer count;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    static final class Format {
        @Option(names = "--json", description = "One JSON object per line: time, path, previous, status and check's keys.")
        boolean json;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count != null && count <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--count must be greater than zero, not " + count);
        }
        CountDownLatch stop = new CountDownLatch(1);
        AtomicBoolean counted = new AtomicBoolean();
        AtomicBoolean signalled = new AtomicBoolean();
        // sun.misc.Signal, as in HoldCommand: SIGINT and SIGTERM are watch's normal end.
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    signalled.set(true);
                    stop.countDown();
                });
            } catch (IllegalArgumentException inUse) {
                // owned by the JVM (-Xrs): that signal keeps its default behaviour
            }
        }
        Map<Path, Target> shown = new ConcurrentHashMap<>();
        AtomicInteger printed = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        Watcher watcher;
        try {
            watcher = Watcher.start(change -> {
                if (stop.getCount() == 0 || (count != null && printed.get() >= count)) {
                    return;
                }
                Target target = shown.getOrDefault(change.path(), new Target(change.path(), change.path(), null));
                out.println(line(target, change.status(), change.previous().orElse(null), Instant.now()));
                if (out.checkError()) {
                    failed.set(true);
                    stop.countDown();
                    return;
                }
                if (change.status().state() == Status.State.UNKNOWN) {
                    Answers.unknown(err, "watch " + Main.show(target.path()), change.status());
                }
                if (count != null && printed.incrementAndGet() >= count) {
                    counted.set(true);
                    stop.countDown();
                }
            });
        } catch (IOException e) {
            err.println("lifeline: unable to watch: " + Main.show(e.getMessage().replaceFirst("^lifeline: ", "")));
            err.flush();
            return Main.EXIT_UNKNOWN;
        }
        try {
            List<Path> listings = new ArrayList<>();
            List<String> given = Operands.given(spec, paths.size());
            for (int i = 0; i < paths.size(); i++) {
                Path path = paths.get(i);
                if (Operands.isDirectory(path, given.get(i)) && !Target.of(path).isService()) {
                    listings.add(path);
                } else {
                    follow(watcher, shown, err, Target.of(path));
                }
            }
            if (!listings.isEmpty()) {
                // Each directory is watched before it is listed: a FIFO made in between is seen
                // twice, and watching a path twice does nothing. One that does not exist yet is
                // followed once it appears, listed then.
                AtomicBoolean starting = new AtomicBoolean(true);
                java.util.concurrent.atomic.AtomicReference<IOException> unlisted = new java.util.concurrent.atomic.AtomicReference<>();
                java.util.function.Consumer<Path> list = dir -> {
                    try {
                        List<Target> found = Target.in(dir);
                        if (found.isEmpty() && starting.get()) {
                            err.println("lifeline: no beacons in " + dir + " yet");
                            err.flush();
                        }
                        for (Target target : found) {
                            follow(watcher, shown, err, target);
                        }
                    } catch (IOException e) {
                        if (starting.get()) {
                            unlisted.compareAndSet(null, e);
                        } else {
                            err.println("lifeline: unable to list " + BeaconDirectory.describe(e));
                            err.flush();
                        }
                    }
                };
                java.util.function.Consumer<Path> created = path -> {
                    if (Target.isListedFifo(path)) {
                        follow(watcher, shown, err, new Target(path, path, null));
                    }
                };
                for (Path dir : listings) {
                    if (!watcher.followDirectory(dir, list, created)) {
                        err.println("lifeline: " + dir + " does not exist yet; its beacons are reported once it appears");
                        err.flush();
                    }
                }
                starting.set(false);
                if (unlisted.get() != null) {
                    throw unlisted.get();
                }
            }
            if (timeout == null) {
                stop.await();
            } else {
                stop.await(saturatedNanos(timeout), TimeUnit.NANOSECONDS);
            }
        } catch (IOException e) {
            err.println("lifeline: unable to watch: " + Main.show(BeaconDirectory.describe(e)));
            err.flush();
            return Main.EXIT_UNKNOWN;
        } finally {
            stop.countDown();
            watcher.close();
        }
        if (failed.get()) {
            err.println("lifeline: unable to watch: cannot write to standard output");
            err.flush();
            return Main.EXIT_UNKNOWN;
        }
        // Only --timeout ends a wait without a signal or the count: it fell short of --count.
        return count != null && !counted.get() && !signalled.get() ? EXIT_TIMED_OUT : EXIT_ENDED;
    }

    private static void follow(Watcher watcher, Map<Path, Target> shown, PrintWriter err, Target target) {
        shown.putIfAbsent(target.beacon(), target);
        Answers.warn(err, Probe.of(target.beacon()));
        watcher.watch(target.beacon());
    }

    /** The human line, or with --json the object, for one change. */
    String line(Target target, Status status, Status.State previous, Instant now) {
        if (format.json) {
            return Answers.json(target, now.truncatedTo(ChronoUnit.MILLIS).toString(), previous, status, null);
        }
        return TIME.format(now) + " " + Main.show(target.path()) + " "
                + (previous == null ? "" : Answers.name(previous) + " -> ") + Answers.name(status.state());
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
