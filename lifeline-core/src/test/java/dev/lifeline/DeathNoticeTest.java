package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/** Knowing the moment a holder dies, from the kernel, without polling. */
class DeathNoticeTest {
    @TempDir
    Path dir;

    @Test
    void sigkillIsNoticedAtOnce() throws Exception {
        Path path = dir.resolve("daemon");
        Probe probe = Probe.of(path);
        try (Running daemon = Processes.start("hold", path.toString())) {
            assertThat(daemon.nextLine()).isEqualTo("held");
            CompletableFuture<Status> death = probe.onDeath();
            assertThat(death).isNotDone();
            long killed = System.nanoTime();
            daemon.process().destroyForcibly();
            Status status = death.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            long micros = (System.nanoTime() - killed) / 1_000;
            assertThat(status.state()).isEqualTo(Status.State.DEAD);
            // Generous bound for a loaded 2-core machine; the figure itself is printed.
            System.out.println("death noticed " + micros + " us after SIGKILL was sent");
            assertThat(micros).isLessThan(2_000_000);
        }
    }

    @Test
    void sigtermIsNoticed() throws Exception {
        Path path = dir.resolve("daemon");
        try (Running daemon = Processes.start("hold", path.toString())) {
            assertThat(daemon.nextLine()).isEqualTo("held");
            CompletableFuture<Status> death = Probe.of(path).onDeath();
            // kill(1), not Process.destroy(), which also closes the child's standard input, and
            // this child closes its beacon cleanly on end of input.
            ProbeTest.run("kill", "-TERM", String.valueOf(daemon.process().pid()));
            assertThat(death.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS).state()).isEqualTo(Status.State.DEAD);
        }
    }

    /**
     * The anchor: ProcessHandle.onExit() for a process that is not our child polls /proc (every
     * 300 ms at first). Both learn of the same SIGKILL of a grandchild; both delays are printed.
     */
    @Test
    void noticedLongBeforeProcessHandleOnExitForANonChild() throws Exception {
        Path path = dir.resolve("daemon");
        Path pidFile = dir.resolve("pid");
        // sh starts the holder in the background and exits: the holder is nobody's child of ours.
        String javaBin = Processes.javaBinary();
        String command = "\"" + javaBin + "\" --enable-native-access=ALL-UNNAMED -cp \"" + System.getProperty("java.class.path")
                + "\" " + Child.class.getName() + " park " + path + " < /dev/null > /dev/null 2>&1 & echo $! > " + pidFile;
        Process sh = new ProcessBuilder("sh", "-c", command).start();
        assertThat(sh.waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).trim());
        Probe probe = Probe.of(path);
        try {
            Processes.await("the grandchild holds its beacon", probe::check, s -> s.state() == Status.State.ALIVE);
            ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
            CompletableFuture<Long> exitSeen = handle.onExit().thenApply(h -> System.nanoTime());
            CompletableFuture<Long> deathSeen = probe.onDeath().thenApply(s -> System.nanoTime());
            long killed = System.nanoTime();
            ProbeTest.run("kill", "-KILL", String.valueOf(pid));
            long ours = (deathSeen.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS) - killed) / 1_000;
            long theirs = (exitSeen.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS) - killed) / 1_000;
            System.out.println("SIGKILL of a non-child: lifeline onDeath " + ours + " us, ProcessHandle.onExit " + theirs + " us");
            assertThat(ours).isLessThan(theirs);
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aCleanCloseIsNoticedAsAbsent() throws Exception {
        Path path = dir.resolve("daemon");
        try (Running daemon = Processes.start("hold", path.toString())) {
            assertThat(daemon.nextLine()).isEqualTo("held");
            CompletableFuture<Status> death = Probe.of(path).onDeath();
            daemon.finish();
            assertThat(death.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS).state())
                    .isEqualTo(Status.State.ABSENT);
        }
    }

    @Test
    void awaitDeathTimesOutWithTheCurrentStatus() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            long start = System.nanoTime();
            Status status = Probe.of(path).awaitDeath(Duration.ofMillis(100));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(status.state()).isEqualTo(Status.State.ALIVE);
            assertThat(millis).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void nothingToWaitForAnswersAtOnce() throws Exception {
        Path stale = dir.resolve("stale");
        ProbeTest.mkfifo(stale);
        assertThat(Probe.of(stale).awaitDeath(Duration.ofHours(1)).state()).isEqualTo(Status.State.DEAD);
        assertThat(Probe.of(dir.resolve("none")).onDeath().getNow(null).state()).isEqualTo(Status.State.ABSENT);
        assertThat(Probe.of(dir).awaitDeath(Duration.ofHours(1)).state()).isEqualTo(Status.State.UNKNOWN);
    }

    @Test
    void cancellingReleasesTheDescriptors() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            Probe probe = Probe.of(path);
            probe.awaitDeath(Duration.ofMillis(1)); // warm up: threads, handles
            int before = Processes.openDescriptors();
            List<CompletableFuture<Status>> waits = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                waits.add(probe.onDeath());
            }
            assertThat(Processes.openDescriptors()).isGreaterThanOrEqualTo(before + 40);
            waits.forEach(w -> w.cancel(false));
            Processes.await("descriptors released", Processes::openDescriptors, n -> n == before);
        }
    }

    /** Virtual threads exist from Java 21 (made by reflection: the tests are compiled for 17). */
    @Test
    @EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads exist from Java 21")
    void virtualThreadsWaitWithoutPinningTheirCarriers() throws Exception {
        Path path = dir.resolve("b");
        Probe probe = Probe.of(path);
        Beacon beacon = Beacon.open(path);
        ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        try (AutoCloseable closing = (AutoCloseable) virtual) {
            List<Future<Status>> waiting = new ArrayList<>();
            int carriers = Runtime.getRuntime().availableProcessors();
            for (int i = 0; i < carriers * 4; i++) {
                waiting.add(virtual.submit(() -> probe.awaitDeath(Duration.ofMinutes(1))));
            }
            // With every carrier pinned in poll, this task could never run.
            Future<String> other = virtual.submit(() -> "ran");
            assertThat(other.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("ran");
            beacon.close();
            for (Future<Status> f : waiting) {
                assertThat(f.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS).state())
                        .isIn(Status.State.ABSENT, Status.State.DEAD);
            }
        }
    }
}
