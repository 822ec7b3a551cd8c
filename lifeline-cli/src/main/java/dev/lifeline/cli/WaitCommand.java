package dev.lifeline.cli;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline wait PATH --dead|--alive [--timeout D]}: waits until nobody holds the beacon at
 * PATH, or until somebody does, and says so by its exit status: 0 when it happened, 1 when the
 * time ran out first. It does not poll: the death comes from {@code POLLERR} on the FIFO's write
 * end, the start from inotify, both on platform daemon threads of lifeline-core while this
 * thread sleeps on a future. (lifeline-core falls back to checks at growing intervals, 10 ms to
 * 1 s, only while the beacon's directory does not exist or no inotify instance is left.)
 *
 * <p>stdout carries the status at the end, in {@code check}'s format, and nothing before:
 * one human line, one JSON object with {@code --json}, or nothing with {@code --quiet}.
 *
 * <p>SIGINT and SIGTERM keep the JVM's default: the process ends at once with 130 or 143 and
 * prints nothing; the kernel closes whatever descriptors the wait held.
 */
@Command(name = "wait",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnExecutionException = Main.EXIT_UNKNOWN,
        description = {
            "Waits until nobody holds the beacon at PATH (--dead) or until a process holds it (--alive),"
                    + " or until --timeout passes. Event-driven: it sleeps in the kernel until then.",
            "Prints the status at the end in check's format; the exit status says whether it happened."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:it happened: --dead, the beacon is dead or absent; --alive, a process holds it (alive or hung)",
            "1:timed out: --timeout passed first; stdout has the status at that moment",
            "2:usage error",
            "4:unknown: no answer (not a FIFO, permission denied, ...); the reason is on stderr",
            "130:interrupted by SIGINT, nothing printed",
            "143:terminated by SIGTERM, nothing printed",
        })
public final class WaitCommand implements Callable<Integer> {
    static final int EXIT_HAPPENED = 0;
    static final int EXIT_TIMED_OUT = 1;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "The beacon to wait on.", converter = Converters.PathConverter.class)
    Path path;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Event event;

    static final class Event {
        @Option(names = "--dead", required = true,
                description = "Wait until nobody holds the beacon: dead, or absent if the holder removed it.")
        boolean dead;

        @Option(names = "--alive", required = true,
                description = "Wait until a process holds the beacon: alive, or hung.")
        boolean alive;
    }

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Give up after this long: 500ms, 30s, 5m, 1h, 1d, or ISO-8601 such as PT1M30S."
                    + " Default: wait for ever.")
    Duration timeout;

    @ArgGroup(exclusive = true)
    CheckCommand.Output output = new CheckCommand.Output();

    @Override
    public Integer call() throws InterruptedException {
        return run(path, event.dead, timeout, output, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * The whole command, once its arguments are known ({@code dead}: --dead, else --alive; {@code
     * timeout}: null for ever): {@link FastCheck} comes here too.
     */
    static int run(Path path, boolean dead, Duration timeout, CheckCommand.Output output, PrintWriter out,
            PrintWriter err) throws InterruptedException {
        String what = "wait for " + Main.show(path);
        Probe probe;
        try {
            probe = Probe.of(path);
        } catch (UnsupportedOperationException | IllegalArgumentException | IllegalCallerException e) {
            return Answers.cannotCheck(out, err, output, what, path, e);
        }
        Status status = dead ? awaitDeath(probe, timeout) : awaitAlive(probe, timeout);
        Instant now = Instant.now();
        if (status.state() == Status.State.UNKNOWN) {
            Answers.unknown(err, what, status);
        }
        return Answers.answer(out, err, output, what, Answers.human(status, now), status.toJson(),
                exitCode(dead, status.state()));
    }

    private static Status awaitDeath(Probe probe, Duration timeout) throws InterruptedException {
        // Nobody holds it now: that is the answer the wait would give at once, without the watch
        // thread and the future it starts (their classes cost every wait 3 ms; issue 17).
        Status now = probe.check();
        if (now.state() == Status.State.DEAD || now.state() == Status.State.ABSENT) {
            return now;
        }
        return timeout != null ? probe.awaitDeath(timeout) : join(probe.onDeath());
    }

    private static Status awaitAlive(Probe probe, Duration timeout) throws InterruptedException {
        // A FIFO that is not there yet is worth waiting for; a regular file, a permission denied,
        // is an answer to give now, as --dead gives it, not a start to wait for ever.
        Status now = probe.check();
        if (now.state() == Status.State.UNKNOWN) {
            return now;
        }
        return timeout != null ? probe.awaitAlive(timeout) : join(probe.onAlive());
    }

    /** The future's status; its failure goes to the crash handler, which exits 4. */
    private static Status join(CompletableFuture<Status> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** What the final status means for the event waited for. */
    private static int exitCode(boolean dead, Status.State state) {
        return switch (state) {
            case UNKNOWN -> Main.EXIT_UNKNOWN;
            case DEAD, ABSENT -> dead ? EXIT_HAPPENED : EXIT_TIMED_OUT;
            case ALIVE, HUNG -> dead ? EXIT_TIMED_OUT : EXIT_HAPPENED;
        };
    }
}
