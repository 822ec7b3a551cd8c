package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A holder taking over a stale FIFO replaces it with a new FIFO it already holds, and touches
 * nothing else: not a file moved into the path meanwhile, not the FIFO or the times of a holder
 * that came first. Each test stretches the taking over to two seconds by delaying its one
 * {@code renameat2} with strace's fault injection, and does its part of the race inside that
 * window; the window opens when strace writes the call's entry to its log. Until issue 12 the
 * takeover reset the old FIFO's times by path, before opening it and without a lock: both tests
 * failed then (with the delay on that {@code utimensat}).
 */
class TakeOverTest {
    private static final String DELAY_MICROS = "2000000";
    private static final String CALL = "renameat2";

    @TempDir
    Path dir;

    @Test
    void aFileMovedInDuringATakeOverKeepsItsTimes() throws Exception {
        Path path = dir.resolve("b");
        Path log = dir.resolve("strace.log");
        crashedHolderWithAPromise(path);
        Path other = dir.resolve("someone-elses-file");
        Files.writeString(other, "data");
        FileTime old = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));
        Files.getFileAttributeView(other, BasicFileAttributeView.class).setTimes(old, old, null);

        try (Running holder = delayedHolder(log, path)) {
            awaitTimesCall(log);
            Files.move(other, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            String outcome = holder.nextLine();
            assertThat(outcome).as("the holder's outcome").matches("held|refused .*");
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            assertThat(attributes.isRegularFile()).isTrue();
            assertThat(attributes.lastModifiedTime()).as("the moved-in file's mtime").isEqualTo(old);
            assertThat(attributes.lastAccessTime()).as("the moved-in file's atime").isEqualTo(old);
            assertThat(Files.readString(path)).isEqualTo("data");
        }
    }

    @Test
    void aHolderThatLostTheRaceLeavesTheWinnersPromise() throws Exception {
        Path path = dir.resolve("b");
        Path log = dir.resolve("strace.log");
        crashedHolderWithAPromise(path);

        try (Running shared = delayedHolder(log, path)) {
            awaitTimesCall(log);
            Beacon winner;
            try {
                winner = Beacon.open(path, BeaconOption.EXCLUSIVE);
            } catch (BeaconException refused) {
                // The shared holder came first.
                assertThat(refused.fault()).isEqualTo(Fault.HELD);
                assertThat(shared.nextLine()).isEqualTo("held");
                Status status = Probe.of(path).check();
                assertThat(status.state()).as("a holder that never beat").isEqualTo(Status.State.ALIVE);
                assertThat(status.deadline()).as("the crashed holder's promise, gone with its FIFO").isEmpty();
                return;
            }
            try (winner) {
                // The exclusive holder won: it promises a beat within 300 ms and then hangs.
                winner.beat(Duration.ofMillis(300));
                String outcome = shared.nextLine();
                assertThat(outcome).as("the shared holder, after its delayed rename").startsWith("refused HELD");
                Processes.await("the winner's promise has passed", () -> Probe.of(path).check().state(),
                        s -> s != Status.State.ALIVE);
                assertThat(Probe.of(path).check().state()).as("a holder past its promise").isEqualTo(Status.State.HUNG);
            }
        }
    }

    /** Leaves a stale FIFO at {@code path} whose times carry a crashed holder's expired promise. */
    private static void crashedHolderWithAPromise(Path path) throws IOException, InterruptedException {
        try (Running first = Processes.start("soak", path.toString(), "beat")) {
            assertThat(first.nextLine()).isEqualTo("held");
            first.process().getOutputStream().write("beat 1\n".getBytes());
            first.process().getOutputStream().flush();
            assertThat(first.nextLine()).startsWith("beat ");
            first.kill9();
        }
        Processes.await("the crashed holder's FIFO is stale", () -> Probe.of(path).check().state(),
                s -> s == Status.State.HUNG || s == Status.State.DEAD);
    }

    /** A holding child whose every {@code renameat2} waits two seconds before it runs. */
    private static Running delayedHolder(Path log, Path path) throws IOException {
        return Processes.startWrapped(List.of("strace", "-f", "-qq", "-o", log.toString(), "-e", "trace=" + CALL,
                "-e", "inject=" + CALL + ":delay_enter=" + DELAY_MICROS), System.getProperty("java.class.path"),
                "hold", path.toString());
    }

    private static void awaitTimesCall(Path log) {
        Processes.await("the holder is inside its delayed " + CALL, () -> {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, text -> text.contains(CALL + "("));
    }

    /**
     * A stale FIFO keeps the signed times of its last holder's last beat; a new holder that takes
     * it over is ALIVE, never HUNG by that promise, before it beats (and for ever if it never does):
     * only a holder that beats can be HUNG. (Found by the trust tests of issue 7.)
     */
    @Test
    void aHolderThatNeverBeatIsNotHungByItsPredecessorsPromise() throws Exception {
        Path path = dir.resolve("b");
        try (Running first = Processes.start("soak", path.toString(), "beat")) {
            assertThat(first.nextLine()).isEqualTo("held");
            first.process().getOutputStream().write("beat 1\n".getBytes());
            first.process().getOutputStream().flush();
            assertThat(first.nextLine()).startsWith("beat ");
            first.kill9(); // crashed: the FIFO stays, with the promise of its last beat
        }
        Processes.await("the crashed holder's FIFO is stale", () -> Probe.of(path).check().state(),
                s -> s == Status.State.DEAD);
        for (BeaconOption[] options : java.util.List.of(new BeaconOption[0], new BeaconOption[] {BeaconOption.EXCLUSIVE})) {
            try (Beacon restarted = Beacon.open(path, options)) {
                Status status = Probe.of(path).check();
                assertThat(status.state()).as("a restarted holder that has not beaten yet").isEqualTo(Status.State.ALIVE);
                assertThat(status.deadline()).as("no promise of its own").isEmpty();
            }
        }
    }
}
