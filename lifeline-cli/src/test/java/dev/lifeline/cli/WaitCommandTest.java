package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WaitCommandTest {
    /** How long a wait may take to report, from the event to its exit: JVM shutdown included, on a loaded machine. */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    // -- --dead --

    @Test
    void deadReturnsAsSoonAsTheHolderIsKilled() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            Running wait = Cli.background(PROMPTLY, "wait", beacon.toString(), "--dead");
            String fifo = beacon.toRealPath().toString();
            // It holds the FIFO's write end while it waits: that is the sign it is waiting.
            Cli.poll("waiting on " + fifo, () -> Cli.descriptors(wait.pid()), fds -> fds.contains(fifo), PROMPTLY);

            assertThat(holder.kill()).isEqualTo(137);
            Running.Result r = wait.end(PROMPTLY);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).isEqualTo(beacon + ": dead (the beacon is there and nobody holds it)\n");
            assertThat(r.stderr()).isEmpty();
        }
    }

    @Test
    void deadSaysAbsentWhenTheHolderStopsCleanly() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            Running wait = Cli.background(PROMPTLY, "wait", "--json", beacon.toString(), "--dead");
            String fifo = beacon.toRealPath().toString();
            Cli.poll("waiting on " + fifo, () -> Cli.descriptors(wait.pid()), fds -> fds.contains(fifo), PROMPTLY);

            assertThat(holder.terminate()).isEqualTo(0);
            Running.Result r = wait.end(PROMPTLY);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).isEqualTo("{\"path\":\"" + beacon + "\",\"status\":\"absent\"}\n");
        }
    }

    @Test
    void deadOnAnAbsentPathSucceedsAtOnce() {
        Path beacon = dir.resolve("never");
        Running.Result r = Cli.run("wait", beacon.toString(), "--dead");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
        assertThat(r.stdout()).isEqualTo(beacon + ": absent (there is no beacon)\n");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void deadTimesOutWithExitOneWhileTheHolderLives() {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            long started = System.nanoTime();
            Running.Result r = Cli.run("wait", beacon.toString(), "--dead", "--timeout", "300ms");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(tookMillis).isGreaterThanOrEqualTo(300);
            assertThat(r.stdout()).isEqualTo(beacon + ": alive\n");
            assertThat(r.stderr()).isEmpty();
            assertThat(holder.process().isAlive()).isTrue();
        }
    }

    // -- --alive --

    @Test
    void aliveReturnsOnceAHolderStarts() throws Exception {
        Path beacon = dir.resolve("b");
        Running wait = Cli.background(PROMPTLY, "wait", beacon.toString(), "--alive");
        // It sleeps on inotify while it waits: that is the sign it is waiting.
        Cli.poll("waiting on inotify", () -> Cli.descriptors(wait.pid()),
                fds -> fds.contains("anon_inode:inotify"), PROMPTLY);
        assertThat(wait.process().isAlive()).isTrue();

        try (Running holder = Cli.hold(beacon.toString())) {
            Running.Result r = wait.end(PROMPTLY);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).isEqualTo(beacon + ": alive\n");
            assertThat(r.stderr()).isEmpty();
        }
    }

    @Test
    void aliveTimesOutWithExitOneWhileNobodyHoldsIt() {
        Path beacon = dir.resolve("never");
        long started = System.nanoTime();
        Running.Result r = Cli.run("wait", beacon.toString(), "--alive", "--timeout", "300ms");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(tookMillis).isGreaterThanOrEqualTo(300);
        assertThat(r.stdout()).isEqualTo(beacon + ": absent (there is no beacon)\n");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void aliveOnAHeartbeatHolderPrintsItsTimesInJson() {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString(), "--heartbeat", "1h")) {
            Running.Result r = Cli.run("wait", "--json", beacon.toString(), "--alive", "--timeout", "5s");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).matches("\\{\"path\":\"" + Pattern.quote(beacon.toString())
                    + "\",\"status\":\"alive\",\"last_beat\":\"" + CheckCommandTest.ISO_UTC
                    + "\",\"deadline\":\"" + CheckCommandTest.ISO_UTC + "\"}\n");
        }
    }

    // -- No answer, signals, usage --

    @Test
    void aRegularFileIsUnknownAtOnceWhicheverTheEvent() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        for (String event : List.of("--dead", "--alive")) {
            Running.Result r = Cli.run("wait", file.toString(), event);
            assertThat(r.exitCode()).as(event + "\n" + r).isEqualTo(4);
            assertThat(r.stdout()).isEqualTo(file + ": unknown\n");
            assertThat(r.stderr()).isEqualTo("lifeline: unable to wait for " + file + ": is a regular file, not a FIFO\n");
        }
    }

    @Test
    void sigtermEndsAWaitWith143AndPrintsNothing() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            Running wait = Cli.background(PROMPTLY, "wait", beacon.toString(), "--dead");
            String fifo = beacon.toRealPath().toString();
            Cli.poll("waiting on " + fifo, () -> Cli.descriptors(wait.pid()), fds -> fds.contains(fifo), PROMPTLY);

            wait.process().toHandle().destroy();
            Running.Result r = wait.end(PROMPTLY);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(143);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).isEmpty();
            assertThat(holder.process().isAlive()).as("the holder is not disturbed").isTrue();
            assertThat(Cli.run("check", "-q", beacon.toString()).exitCode()).isEqualTo(0);
        }
    }

    @Test
    void sigintEndsAWaitWith130AndPrintsNothing() throws Exception {
        Path beacon = dir.resolve("b");
        Running wait = Cli.background(PROMPTLY, "wait", beacon.toString(), "--alive");
        Cli.poll("waiting on inotify", () -> Cli.descriptors(wait.pid()),
                fds -> fds.contains("anon_inode:inotify"), PROMPTLY);

        Cli.signal("INT", wait.pid());
        Running.Result r = wait.end(PROMPTLY);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(130);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEmpty();
        assertThat(Files.exists(beacon)).as("waiting created nothing").isFalse();
    }

    /**
     * The wait sleeps in the kernel: over two seconds of waiting, it spends no more CPU than a
     * JVM that starts, sits idle for as long ({@code hold --for 2s}) and exits. Both are measured
     * the same way, from /proc/PID/stat, so JVM start-up, which dwarfs everything else, cancels out.
     */
    @Test
    void waitingCostsNoMoreCpuThanAnIdleJvm() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            long idle = cpuTicks(Cli.java("hold", dir.resolve("idle").toString(), "--for", "2s"), 0);
            long waiting = cpuTicks(Cli.java("wait", beacon.toString(), "--dead", "--timeout", "2s"), 1);
            assertThat(waiting).as("CPU ticks of a 2 s wait vs. an idle JVM's " + idle).isLessThanOrEqualTo(idle + 30);
        }
    }

    @Test
    void usageErrorsExitTwoWithUsageOnStderr() {
        for (String[] args : new String[][] {
                {"wait", "/x"},
                {"wait", "/x", "--dead", "--alive"},
                {"wait", "--dead"},
                {"wait", "/x", "--dead", "--timeout", "soon"},
                {"wait", "/x", "--dead", "--timeout", "0s"},
                {"wait", "/x", "--dead", "--quiet", "--json"},
                {"wait", "", "--dead"},
        }) {
            Running.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
            assertThat(r.stdout()).as(String.join(" ", args)).isEmpty();
            assertThat(r.stderr()).as(String.join(" ", args)).contains("Try 'lifeline wait --help'");
        }
    }

    @Test
    void quietPrintsNothingAndKeepsTheExitCode() {
        Running.Result r = Cli.run("wait", "-q", dir.resolve("never").toString(), "--dead");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void helpListsEveryExitCode() {
        Running.Result r = Cli.run("wait", "--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout()).contains("Exit codes:")
                .containsPattern("(?m)^\\s+0\\s+it happened")
                .containsPattern("(?m)^\\s+1\\s+timed out")
                .containsPattern("(?m)^\\s+2\\s+usage error")
                .containsPattern("(?m)^\\s+4\\s+unknown")
                .containsPattern("(?m)^\\s+130\\s+interrupted")
                .containsPattern("(?m)^\\s+143\\s+terminated");
    }

    // -- Support --

    /**
     * Runs {@code command} to the end and returns the CPU time it used (utime + stime from
     * /proc/PID/stat, in clock ticks), as last read before it exited: the reaper takes /proc/PID
     * with the process, so it is read every 10 ms meanwhile, and only the last 10 ms escape.
     */
    private static long cpuTicks(List<String> command, int expectedExit) throws Exception {
        Process process = Cli.start(command, null, Map.of());
        Future<String> stdout = Cli.drain(process.getInputStream());
        Future<String> stderr = Cli.drain(process.getErrorStream());
        Path stat = Path.of("/proc/" + process.pid() + "/stat");
        long ticks = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Cli.TIMEOUT_SECONDS);
        while (!process.waitFor(10, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() - deadline > 0) {
                process.destroyForcibly();
                throw new AssertionError("still running after " + Cli.TIMEOUT_SECONDS + " s: " + command);
            }
            try {
                String line = Files.readString(stat);
                String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
                // After "pid (comm) ": state is field 3 of stat(5), utime 14 and stime 15.
                ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
            } catch (IOException | RuntimeException gone) {
                // exited between waitFor and the read
            }
        }
        Running.Result r = new Running.Result(process.exitValue(), Cli.get(stdout), Cli.get(stderr));
        assertThat(r.exitCode()).as(String.join(" ", command) + "\n" + r).isEqualTo(expectedExit);
        assertThat(ticks).as("CPU ticks read for " + command).isPositive();
        return ticks;
    }
}
