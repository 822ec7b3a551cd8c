package dev.lifeline.cli;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconException;
import dev.lifeline.BeaconOption;
import dev.lifeline.Fault;
import dev.lifeline.Heartbeat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline hold PATH}: the runner. Holds a beacon at PATH until SIGINT or SIGTERM, or until
 * {@code --for} has passed, then lets go of it and removes the FIFO. Once the beacon is held it
 * prints exactly one line, {@code holding PATH (pid N)}: a supervisor or a test waits for that
 * line, never for a delay.
 *
 * <p>With {@code --heartbeat D} it also beats every third of D, promising the next beat within D,
 * so that checks answer HUNG when this process stops running (SIGSTOP, a frozen cgroup, a
 * machine that is suspended). It has no work loop of its own, so that is all its beats prove: a
 * daemon that wants its health shown beats from its own loop, through the library.
 *
 * <p>Exit codes: 0 after a clean stop (signal or duration), 1 when another process holds the
 * beacon exclusively (or this holder asked for exclusivity and others hold it), 2 for a usage
 * error, 4 when the beacon cannot be held for any other reason. On a refusal the path is left as
 * it was.
 */
@Command(name = "hold",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnExecutionException = Main.EXIT_UNKNOWN,
        description = {
            "Holds a beacon (a FIFO) at PATH until SIGINT, SIGTERM or the end of --for, then removes it.",
            "Prints one line, 'holding PATH (pid N)', once the beacon is held.",
            "With --heartbeat, beats so that checks say hung when this process is stopped or frozen.",
            "Refuses, and leaves as it is, anything at PATH but a FIFO of this user: a regular file,"
                    + " a directory, a symbolic link, another user's FIFO."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:held, then let go cleanly (signal or end of --for); the FIFO is removed",
            "1:refused: another process holds the beacon and excludes this one",
            "2:usage error",
            "4:refused or failed: not a FIFO, a symbolic link, another user's FIFO, no such directory,"
                    + " permission denied, the first beat failed, ...; the reason is on stderr",
        })
public final class HoldCommand implements Callable<Integer> {
    static final int EXIT_STOPPED = 0;
    static final int EXIT_HELD_BY_ANOTHER = 1;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", converter = Converters.PathConverter.class,
            description = "Where the beacon lives; a bare NAME lives in the default beacon directory.")
    Path path;

    @Option(names = "--for", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Let go after this long: 500ms, 30s, 5m, 1h, 1d, or ISO-8601 such as PT1M30S."
                    + " Default: until SIGINT or SIGTERM.")
    Duration duration;

    @Option(names = "--exclusive",
            description = "Be the only holder (flock LOCK_EX): while this one lives, every other holder is refused.")
    boolean exclusive;

    @Option(names = "--mode", paramLabel = "MODE", converter = Converters.ModeConverter.class, defaultValue = "0600",
            description = "Octal permissions of a FIFO this holder creates, whatever the umask. Default: ${DEFAULT-VALUE}.")
    int mode;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = Converters.HeartbeatConverter.class,
            description = "Beat every third of DURATION, each beat promising the next within DURATION:"
                    + " checks say hung once this process is stopped (SIGSTOP) or frozen for longer."
                    + " From 3ms to 1000d. Proves that this process runs, not that a daemon is well.")
    Duration heartbeat;

    @Option(names = "--keep",
            description = "Leave the FIFO in place on exit, so that checks say dead rather than absent.")
    boolean keep;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Handlers go in before the beacon is opened: a signal that arrives in between must stop
        // this holder cleanly, not kill the JVM with the FIFO left behind.
        CountDownLatch stop = new CountDownLatch(1);
        handleStopSignals(stop);

        Beacon beacon;
        try {
            BeaconDirectory.prepare(path);
        } catch (IOException e) {
            err.println("lifeline: unable to hold " + Main.show(path) + ": cannot create its directory: "
                    + Main.show(BeaconDirectory.describe(e)));
            err.flush();
            return Main.EXIT_UNKNOWN;
        }
        try {
            beacon = Beacon.open(path, Converters.permissions(mode), options());
        } catch (BeaconException e) {
            err.println("lifeline: unable to hold " + Main.show(path) + ": " + Main.show(e.getReason()));
            err.flush();
            return e.fault() == Fault.HELD ? EXIT_HELD_BY_ANOTHER : Main.EXIT_UNKNOWN;
        }
        // For the exits no handler sees (SIGHUP, System.exit elsewhere): the kernel would let go
        // of the descriptor anyway, but only close() removes the FIFO.
        Runtime.getRuntime().addShutdownHook(new Thread(beacon::close, "lifeline-hold-close"));
        Heartbeat beats = null;
        try {
            if (heartbeat != null) {
                // The first beat before the line: whoever reacts to the line sees the promise.
                try {
                    beacon.beat(heartbeat);
                } catch (BeaconException e) {
                    err.println("lifeline: unable to hold " + Main.show(path) + ": " + Main.show(e.getReason()));
                    err.flush();
                    return Main.EXIT_UNKNOWN;
                }
                // Nothing to ask but "does this process still run": the beat thread stops only with it.
                beats = Heartbeat.whileHealthy(beacon, heartbeat, () -> true);
            }
            out.println("holding " + Main.show(path) + " (pid " + ProcessHandle.current().pid() + ")");
            // Whoever waits for this line must get it, or it would wait for ever.
            if (out.checkError()) {
                err.println("lifeline: unable to hold " + Main.show(path) + ": cannot write to standard output");
                err.flush();
                return Main.EXIT_UNKNOWN;
            }
            await(stop);
        } finally {
            if (beats != null) {
                beats.close();
            }
            beacon.close();
        }
        return EXIT_STOPPED;
    }

    private BeaconOption[] options() {
        List<BeaconOption> options = new ArrayList<>(2);
        if (exclusive) {
            options.add(BeaconOption.EXCLUSIVE);
        }
        if (keep) {
            options.add(BeaconOption.KEEP_ON_CLOSE);
        }
        return options.toArray(BeaconOption[]::new);
    }

    private void await(CountDownLatch stop) {
        try {
            if (duration == null) {
                stop.await();
            } else {
                stop.await(saturatedNanos(duration), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            // Nobody interrupts this thread but a JVM going down: treat it as a stop.
            Thread.currentThread().interrupt();
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE; // 292 years: for ever, in practice
        }
    }

    /**
     * SIGINT and SIGTERM are the normal way to stop a holder, so they end it with 0 after a clean
     * close, instead of the JVM's 130/143. Should the JVM own a signal already (-Xrs), the
     * shutdown hook still removes the FIFO and the JVM's exit code stands.
     */
    // sun.misc.Signal lives in jdk.unsupported, kept for exactly this use. javac warns about it
    // under --release whatever one suppresses: those three warnings are expected.
    private static void handleStopSignals(CountDownLatch stop) {
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
            } catch (IllegalArgumentException inUse) {
                // left to the JVM; see above
            }
        }
    }
}
