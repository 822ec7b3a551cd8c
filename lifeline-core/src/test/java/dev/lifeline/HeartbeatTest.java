package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.testkit.Running;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Alive and well: a deadline published in the beacon's own times, read by the same fstat. */
class HeartbeatTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tmp", "shm"})
    void aBeatIsReadBackAsLastBeatAndDeadline(String where) throws Exception {
        Path base = where.equals("tmp") ? dir : Files.createTempDirectory(Path.of("/dev/shm"), "lifeline");
        Path path = base.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            beacon.beat(Duration.ofSeconds(30));
            Instant after = Instant.now();
            Status status = Probe.of(path).check();
            assertThat(status.state()).isEqualTo(Status.State.ALIVE);
            assertThat(status.lastBeat()).get().satisfies(t -> assertThat(t).isBetween(before, after));
            assertThat(status.deadline()).get()
                    .isEqualTo(status.lastBeat().orElseThrow().plus(Duration.ofSeconds(30)));
            assertThat(status.toString()).contains("last beat").contains("deadline");
        } finally {
            if (!where.equals("tmp")) {
                Files.deleteIfExists(path);
                Files.delete(base);
            }
        }
    }

    @Test
    void aBeaconThatNeverBeatIsPlainAlive() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            Status status = Probe.of(path).check();
            assertThat(status.state()).isEqualTo(Status.State.ALIVE);
            assertThat(status.lastBeat()).isEmpty();
            assertThat(status.deadline()).isEmpty();
        }
    }

    @Test
    void missedDeadlineIsHungAndTheNextBeatHeals() throws Exception {
        Path path = dir.resolve("b");
        Probe probe = Probe.of(path);
        try (Beacon beacon = Beacon.open(path)) {
            beacon.beat(Duration.ofMillis(30));
            Processes.await("HUNG after a missed 30 ms deadline", probe::check,
                    s -> s.state() == Status.State.HUNG);
            Status hung = probe.check();
            assertThat(hung.deadline().orElseThrow()).isBefore(Instant.now());
            beacon.beat(Duration.ofMinutes(1));
            assertThat(probe.check().state()).isEqualTo(Status.State.ALIVE);
        }
        assertThat(probe.check().state()).isEqualTo(Status.State.ABSENT);
    }

    @Test
    void aProbeDoesNotMoveTheTimes() throws Exception {
        Path path = dir.resolve("b");
        Probe probe = Probe.of(path);
        try (Beacon beacon = Beacon.open(path)) {
            beacon.beat(Duration.ofMinutes(1));
            Status first = probe.check();
            for (int i = 0; i < 1_000; i++) {
                probe.check();
            }
            assertThat(probe.check()).isSameAs(first);
        }
    }

    @Test
    void timesTheKernelWroteAreNoPromise() throws Exception {
        // A holder that reads, as s6-supervise does with its control FIFO: the kernel sets
        // atime on the read and mtime on the write, so atime may well lie after mtime.
        Path path = dir.resolve("control");
        ProbeTest.mkfifo(path);
        // Blocking opens of a FIFO wait for the other end: a beacon's non-blocking read end lets
        // the writer open, the writer lets the reader open, then the beacon steps aside.
        Beacon bootstrap = Beacon.open(path, BeaconOption.KEEP_ON_CLOSE);
        try (FileOutputStream writer = new FileOutputStream(path.toFile());
                FileInputStream reader = new FileInputStream(path.toFile())) {
            bootstrap.close();
            writer.write('x');
            writer.flush();
            assertThat(reader.read()).isEqualTo('x');
            Status status = Probe.of(path).check();
            assertThat(status.state()).isEqualTo(Status.State.ALIVE);
            assertThat(status.deadline()).isEmpty();
        }
    }

    @Test
    void aWriteIntoTheFifoVoidsThePromiseRatherThanFakingHung() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            beacon.beat(Duration.ofMillis(1));
            try (FileOutputStream writer = new FileOutputStream(path.toFile())) {
                writer.write('x'); // the kernel sets mtime: no signature any more
            }
            Status status = Probe.of(path).check();
            assertThat(status.state()).isEqualTo(Status.State.ALIVE);
            assertThat(status.lastBeat()).isEmpty();
        }
    }

    @Test
    void aLastBeatInTheFutureIsJudgedByItsDeadline() throws Exception {
        // The documented choice for a clock that went back: the promise stands as written.
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            Instant beat = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
            setSignedTimes(path, beat, beat.plusSeconds(10));
            Status status = Probe.of(path).check();
            assertThat(status.state()).isEqualTo(Status.State.ALIVE);
            assertThat(status.lastBeat()).contains(beat);

            Instant old = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
            setSignedTimes(path, old, old.plusSeconds(10));
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.HUNG);
        }
    }

    @Test
    void aDeadlineNotAfterTheBeatIsNoPromise() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            Instant old = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
            setSignedTimes(path, old, old);
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void beatingAClosedBeaconIsRefusedNotAimedAtAnotherFile() throws Exception {
        Beacon beacon = Beacon.open(dir.resolve("b"));
        beacon.close();
        assertThatThrownBy(() -> beacon.beat(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Beacon.open(dir.resolve("c")).beat(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void heartbeatStopsWhenTheHealthConditionFails() throws Exception {
        Path path = dir.resolve("b");
        Probe probe = Probe.of(path);
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (Beacon beacon = Beacon.open(path);
                Heartbeat heartbeat = Heartbeat.whileHealthy(beacon, Duration.ofMillis(150), healthy::get)) {
            Processes.await("ALIVE with a promise", probe::check, s -> s.deadline().isPresent());
            assertThat(probe.check().state()).isEqualTo(Status.State.ALIVE);
            healthy.set(false);
            Processes.await("HUNG once unhealthy", probe::check, s -> s.state() == Status.State.HUNG);
            healthy.set(true);
            Processes.await("ALIVE again once healthy", probe::check, s -> s.state() == Status.State.ALIVE);
            assertThat(heartbeat.lastFailure()).isEmpty();
        }
    }

    @Test
    void heartbeatStopsWhenProgressStalls() throws Exception {
        Path path = dir.resolve("b");
        Probe probe = Probe.of(path);
        AtomicLong progress = new AtomicLong();
        AtomicBoolean working = new AtomicBoolean(true);
        Thread worker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (working.get()) {
                    progress.incrementAndGet();
                }
                Thread.onSpinWait();
            }
        });
        worker.start();
        try (Beacon beacon = Beacon.open(path);
                Heartbeat heartbeat = Heartbeat.onProgress(beacon, Duration.ofMillis(150), progress::get)) {
            Processes.await("ALIVE with a promise", probe::check, s -> s.deadline().isPresent());
            working.set(false); // the work loop stalls: the counter stops
            Processes.await("HUNG once progress stalls", probe::check, s -> s.state() == Status.State.HUNG);
            working.set(true);
            Processes.await("ALIVE once progress resumes", probe::check, s -> s.state() == Status.State.ALIVE);
        } finally {
            worker.interrupt();
            worker.join();
        }
    }

    @Test
    void closingTheHeartbeatStopsItsThreadAndKeepsTheBeacon() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            Heartbeat heartbeat = Heartbeat.whileHealthy(beacon, Duration.ofSeconds(3), () -> true);
            heartbeat.close();
            heartbeat.close();
            assertThat(Thread.getAllStackTraces().keySet())
                    .noneMatch(t -> t.getName().equals("lifeline-heartbeat " + path));
            assertThat(beacon.isOpen()).isTrue();
        }
    }

    @Test
    void aStoppedHolderTurnsHungThenAliveThenDead() throws Exception {
        Path path = dir.resolve("daemon");
        Probe probe = Probe.of(path);
        try (Running daemon = Processes.start("heartbeat", path.toString(), "300")) {
            assertThat(daemon.nextLine()).isEqualTo("held");
            Processes.await("beats seen", probe::check, s -> s.state() == Status.State.ALIVE && s.deadline().isPresent());
            ProbeTest.run("kill", "-STOP", String.valueOf(daemon.process().pid()));
            Processes.await("HUNG while stopped", probe::check, s -> s.state() == Status.State.HUNG);
            ProbeTest.run("kill", "-CONT", String.valueOf(daemon.process().pid()));
            Processes.await("ALIVE once continued", probe::check, s -> s.state() == Status.State.ALIVE);
            daemon.kill9();
            assertThat(probe.check().state()).isEqualTo(Status.State.DEAD);
        }
    }

    private static void setSignedTimes(Path path, Instant beat, Instant deadline) throws Exception {
        // The signature lifeline writes: 417,417 ns past the millisecond. touch sets times by
        // path (utimensat) without opening: Java's setTimes opens the file, and a blocking open
        // of a FIFO waits for a writer.
        ProbeTest.run("touch", "-m", "-d", "@" + beat.getEpochSecond() + "." + nanos(beat), path.toString());
        ProbeTest.run("touch", "-a", "-d", "@" + deadline.getEpochSecond() + "." + nanos(deadline), path.toString());
    }

    private static String nanos(Instant t) {
        return String.format("%09d", t.getNano() + 417_417);
    }
}
