package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Knowing the moment a holder starts, from inotify, without making the beacon look alive. */
class BirthNoticeTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    @Test
    void aNewHolderIsNoticed() throws Exception {
        Path path = dir.resolve("daemon");
        CompletableFuture<Status> alive = Probe.of(path).onAlive();
        assertThat(alive).isNotDone();
        try (Running daemon = Processes.start("hold", path.toString())) {
            Status status = alive.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.state()).isEqualTo(Status.State.ALIVE);
            assertThat(daemon.nextLine()).isEqualTo("held");
        }
    }

    @Test
    void aHolderTakingOverAStaleFifoIsNoticed() throws Exception {
        Path path = dir.resolve("daemon");
        ProbeTest.mkfifo(path);
        CompletableFuture<Status> alive = Probe.of(path).onAlive();
        try (Beacon beacon = Beacon.open(path)) {
            assertThat(alive.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS).state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void waitingNeverMakesTheBeaconLookAlive() throws Exception {
        Path path = dir.resolve("daemon");
        ProbeTest.mkfifo(path);
        Probe other = Probe.of(path);
        List<CompletableFuture<Status>> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waits.add(Probe.of(path).onAlive());
        }
        for (int i = 0; i < 1_000; i++) {
            assertThat(other.check().state()).isEqualTo(Status.State.DEAD);
        }
        assertThat(waits).noneMatch(CompletableFuture::isDone);
        waits.forEach(w -> w.cancel(false));
    }

    @Test
    void timesOutWithTheCurrentStatusAndSpendsNoCpuWaiting() throws Exception {
        Path path = dir.resolve("daemon");
        ProbeTest.mkfifo(path);
        Probe probe = Probe.of(path);
        probe.awaitAlive(Duration.ofMillis(1)); // warm up the pool thread and the handles
        long cpuBefore = waiterCpuNanos();
        long start = System.nanoTime();
        Status status = probe.awaitAlive(Duration.ofMillis(500));
        long elapsed = System.nanoTime() - start;
        long cpu = waiterCpuNanos() - cpuBefore;
        assertThat(status.state()).isEqualTo(Status.State.DEAD);
        assertThat(elapsed).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        // A busy loop would burn ~500 ms of CPU; a sleeping one a few hundred microseconds.
        assertThat(cpu).as("CPU spent by the waiting thread").isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void aDirectoryThatAppearsLaterIsFollowed() throws Exception {
        Path sub = dir.resolve("later");
        Path path = sub.resolve("daemon");
        CompletableFuture<Status> alive = Probe.of(path).onAlive();
        Files.createDirectory(sub);
        try (Beacon beacon = Beacon.open(path)) {
            assertThat(alive.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS).state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void alreadyAliveAnswersAtOnce() throws Exception {
        Path path = dir.resolve("daemon");
        try (Beacon beacon = Beacon.open(path)) {
            assertThat(Probe.of(path).onAlive()).isCompletedWithValueMatching(s -> s.state() == Status.State.ALIVE);
            assertThat(Probe.of(path).awaitAlive(Duration.ZERO).state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void noTimeToWaitAnswersWithTheCheckItself() throws Exception {
        Path path = dir.resolve("daemon");
        assertThat(Probe.of(path).awaitAlive(Duration.ZERO).state()).isEqualTo(Status.State.ABSENT);
        assertThat(Probe.of(path).awaitAlive(Duration.ofSeconds(-1)).state()).isEqualTo(Status.State.ABSENT);
        ProbeTest.mkfifo(path);
        assertThat(Probe.of(path).awaitAlive(Duration.ZERO).state()).isEqualTo(Status.State.DEAD);
    }

    @Test
    void cancellingReleasesTheDescriptors() throws Exception {
        Path path = dir.resolve("daemon");
        Probe probe = Probe.of(path);
        probe.awaitAlive(Duration.ofMillis(1));
        int before = Processes.openDescriptors();
        List<CompletableFuture<Status>> waits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waits.add(probe.onAlive());
        }
        waits.forEach(w -> w.cancel(false));
        Processes.await("descriptors released", Processes::openDescriptors, n -> n == before);
    }

    private static long waiterCpuNanos() {
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("lifeline-wait-")) {
                total += THREADS.getThreadCpuTime(t.getId());
            }
        }
        return total;
    }
}
