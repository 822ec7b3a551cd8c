package dev.lifeline.cli;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconException;
import dev.lifeline.BeaconOption;
import dev.lifeline.Fault;
import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline demo}: the whole story in a few seconds, with real processes. A daemon (a child
 * JVM running {@code lifeline hold --exclusive}) holds a beacon in a fresh temporary directory;
 * the demo checks it and times the check, kills the daemon with SIGKILL and sees DEAD at once,
 * contrasts DEAD with ABSENT, restarts the daemon on the stale FIFO, is refused as a second
 * exclusive holder, stops the daemon with SIGTERM and sees the FIFO gone.
 *
 * <p>It doubles as a smoke test: every step states what it expects, and the first one that comes
 * out otherwise ends the demo with exit code 1. Whatever happens, the children are killed and the
 * temporary directory is removed.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnExecutionException = Main.EXIT_UNKNOWN,
        description = {
            "Shows lifeline at work in a few seconds: a daemon process holds a beacon, is checked,"
                    + " killed with SIGKILL (dead), restarted (alive), guarded against a second"
                    + " exclusive holder, and stopped (absent). Cleans up after itself."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every step came out as expected",
            "1:a step did not come out as expected; stderr says which",
            "2:usage error",
            "4:the demo could not run (no temporary directory, no child JVM, ...)",
        })
public final class DemoCommand implements Callable<Integer> {
    static final int EXIT_AS_EXPECTED = 0;
    static final int EXIT_UNEXPECTED = 1;

    /** Bounds every wait for a child JVM, so that a stuck child fails the demo instead of hanging it. */
    private static final long CHILD_TIMEOUT_SECONDS = 30;
    private static final int WARM_UP_CHECKS = 2_000;
    private static final int TIMED_CHECKS = 5_000;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private final List<Process> children = new ArrayList<>();
    private Path directory;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Ctrl-C reaches the children too (same process group), but the directory is ours to remove.
        Thread cleanup = new Thread(this::cleanUp, "lifeline-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            run();
            return EXIT_AS_EXPECTED;
        } catch (Unexpected e) {
            out.flush();
            err.println("lifeline demo: FAILED: " + e.getMessage());
            return EXIT_UNEXPECTED;
        } catch (IOException | UncheckedIOException e) {
            out.flush();
            err.println("lifeline demo: unable to run: " + e);
            return Main.EXIT_UNKNOWN;
        } finally {
            cleanUp();
            Runtime.getRuntime().removeShutdownHook(cleanup);
            err.flush();
        }
    }

    private void run() throws IOException, Unexpected {
        directory = Files.createTempDirectory("lifeline-demo-");
        Path beacon = directory.resolve("daemon.beacon");
        Probe probe = Probe.of(beacon);
        out.println("lifeline demo: a daemon, its beacon, and what a checker sees");
        out.println("beacon: " + beacon);

        step(1, "start a daemon: a separate JVM running `lifeline hold " + beacon.getFileName() + " --exclusive`");
        Process daemon = startDaemon(beacon);
        expect(probe, Status.State.ALIVE);
        Object inode = fileKey(beacon);
        say(cost(probe));

        step(2, "kill -9 the daemon (pid " + daemon.pid() + "): no handler runs, nobody cleans up");
        daemon.destroyForcibly();
        int code = waitFor(daemon);
        if (!Target.isFifo(beacon)) {
            throw new Unexpected("the FIFO vanished after SIGKILL; nobody should have removed it");
        }
        say("the daemon is gone (exit status " + code + "); its FIFO is still there");
        expect(probe, Status.State.DEAD);

        step(3, "absent is not dead: a path where no daemon ever ran");
        expect(Probe.of(directory.resolve("never-started.beacon")), Status.State.ABSENT);

        step(4, "restart the daemon: it takes over the stale FIFO");
        daemon = startDaemon(beacon);
        expect(probe, Status.State.ALIVE);
        if (!Objects.equals(inode, fileKey(beacon))) {
            throw new Unexpected("the restarted daemon made a new FIFO instead of reusing the stale one");
        }
        say("same FIFO as before " + inode);

        step(5, "a second exclusive holder, in this process, while the daemon lives");
        // KEEP_ON_CLOSE: were it wrongly let in, closing it must not remove the daemon's FIFO.
        try (Beacon intruder = Beacon.open(beacon, BeaconOption.EXCLUSIVE, BeaconOption.KEEP_ON_CLOSE)) {
            throw new Unexpected("a second exclusive holder was let in while the daemon holds " + intruder.path());
        } catch (BeaconException e) {
            if (e.fault() != Fault.HELD) {
                throw new Unexpected("the second holder was refused, but not as HELD: " + e.getMessage());
            }
            say("refused: " + e.getReason());
        }
        expect(probe, Status.State.ALIVE);

        step(6, "stop the daemon with SIGTERM: it lets go and removes the FIFO");
        daemon.destroy();
        code = waitFor(daemon);
        if (code != HoldCommand.EXIT_STOPPED) {
            throw new Unexpected("the daemon exited with " + code + " after SIGTERM, not " + HoldCommand.EXIT_STOPPED);
        }
        say("the daemon exited with status " + code);
        expect(probe, Status.State.ABSENT);
        if (Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)) {
            throw new Unexpected("something is still at " + beacon + " after a clean stop");
        }

        cleanUp();
        out.println("done: every answer was as expected; " + directory + " is removed");
    }

    // -- Narration and expectations --

    private void step(int number, String title) {
        out.println();
        out.println(number + ". " + title);
        out.flush();
    }

    private void say(String line) {
        out.println("   " + line);
        out.flush();
    }

    private void expect(Probe probe, Status.State expected) throws Unexpected {
        Status status = probe.check();
        say("check: " + Answers.human(status, Instant.now()) + "   [lifeline check exits "
                + Answers.exitCode(status.state()) + "]");
        if (status.state() != expected) {
            throw new Unexpected("expected " + expected + " for " + probe.path() + ", got " + status);
        }
    }

    /** The per-check cost, measured one check at a time: the median shows the usual case. */
    private static String cost(Probe probe) throws Unexpected {
        for (int i = 0; i < WARM_UP_CHECKS; i++) {
            probe.check();
        }
        long[] nanos = new long[TIMED_CHECKS];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            Status status = probe.check();
            nanos[i] = System.nanoTime() - start;
            if (!status.isAlive()) {
                throw new Unexpected("the daemon stopped being alive during the timing: " + status);
            }
        }
        Arrays.sort(nanos);
        double mean = Arrays.stream(nanos).average().orElseThrow();
        return String.format(Locale.ROOT,
                "cost of one check: median %.1f us, mean %.1f us over %d checks (open, fstat, close)",
                nanos[nanos.length / 2] / 1e3, mean / 1e3, nanos.length);
    }

    // -- The daemon --

    /**
     * Starts {@code lifeline hold BEACON --exclusive} in a new JVM and returns once it has said
     * that it holds the beacon: that line is the synchronisation, not a delay.
     */
    private Process startDaemon(Path beacon) throws IOException, Unexpected {
        List<String> command = List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "hold", beacon.toString(), "--exclusive");
        Process daemon = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        children.add(daemon);
        String line = firstLine(daemon);
        if (line == null || !line.startsWith("holding " + beacon)) {
            throw new Unexpected("the daemon did not say it holds the beacon; it said " + quote(line)
                    + (daemon.isAlive() ? "" : " and exited with " + daemon.exitValue()));
        }
        say("daemon (pid " + daemon.pid() + ") says: " + line);
        return daemon;
    }

    private static String firstLine(Process process) throws Unexpected {
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), Charset.defaultCharset()));
        FutureTask<String> read = new FutureTask<>(reader::readLine);
        Thread.ofPlatform().daemon().name("lifeline-demo-read").start(read);
        try {
            return read.get(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new Unexpected("the daemon said nothing within " + CHILD_TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            throw new Unexpected("cannot read the daemon's output: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unexpected("interrupted while waiting for the daemon");
        }
    }

    private static int waitFor(Process process) throws Unexpected {
        try {
            if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new Unexpected("pid " + process.pid() + " did not exit within " + CHILD_TIMEOUT_SECONDS + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unexpected("interrupted while waiting for pid " + process.pid());
        }
    }

    /** The JVM running this demo, so that the daemon runs on the same JDK. */
    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    // -- Files --

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** Kills what is left and removes the directory; idempotent, and run by the shutdown hook too. */
    private synchronized void cleanUp() {
        for (Process child : children) {
            child.destroyForcibly();
        }
        for (Process child : children) {
            try {
                child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        children.clear();
        if (directory != null && Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> tree = Files.walk(directory)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                spec.commandLine().getErr().println("lifeline demo: unable to remove " + directory + ": " + e);
            }
        }
    }

    private static String quote(String line) {
        return line == null ? "nothing" : "\"" + line + "\"";
    }

    /** A step did not come out as expected. */
    private static final class Unexpected extends Exception {
        private static final long serialVersionUID = 1L;

        Unexpected(String message) {
            super(message, null, false, false);
        }
    }
}
