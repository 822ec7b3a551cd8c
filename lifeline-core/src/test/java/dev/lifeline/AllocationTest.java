package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A steady-state check allocates nothing on the Java heap. JMH's gc profiler will give the
 * figure per operation (issue 6); this is the guard that keeps the design honest meanwhile.
 *
 * <p>The same bound for both backends: through FFM, and through JNA (its direct mapping passes
 * primitives and direct buffers, and JNA keeps errno per thread in native memory), the best round
 * allocates 0 bytes ({@code lifeline.backend=jna} in the jna-backend execution on Java 25, and by
 * default on 17). Each test prints its figure and backend.
 */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    @Test
    void steadyStateChecksAllocateNothing() throws Exception {
        Path live = dir.resolve("live");
        Path stale = dir.resolve("stale");
        ProbeTest.mkfifo(stale);
        // The holder is another process, as for any checker; a process that probes the beacon it
        // holds itself also restores its POSIX lock after each check (see Fifos.closeFifo).
        try (Running holder = Processes.start("hold", live.toString())) {
            assertThat(holder.nextLine()).isEqualTo("held");
            Probe alive = Probe.of(live);
            Probe dead = Probe.of(stale);
            Probe absent = Probe.of(dir.resolve("absent"));
            // Warm up until the JIT has compiled the path (the interpreter and C1 may box): rounds
            // until one allocates nothing, for at most a minute, as a loaded machine compiles late.
            long best = Long.MAX_VALUE;
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            for (int round = 0; best > 0 && (round < 40 || System.nanoTime() < until); round++) {
                long before = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    alive.check();
                    dead.check();
                    absent.check();
                }
                best = Math.min(best, THREADS.getCurrentThreadAllocatedBytes() - before);
            }
            // 30,000 checks in the best round: anything above a few stray bytes would be a
            // per-check allocation.
            System.out.println("backend " + BackendTest.expected() + ": " + best + " bytes allocated by 30,000 warm checks");
            assertThat(best).as("bytes allocated by 30,000 warm checks, backend " + BackendTest.expected()).isLessThan(1_000);
        }
    }

    @Test
    void checksOfABeatingBeaconAllocateNothingBetweenBeats() throws Exception {
        Path path = dir.resolve("beating");
        try (Running holder = Processes.start("heartbeat", path.toString(), "3600000")) {
            assertThat(holder.nextLine()).isEqualTo("held");
            Probe probe = Probe.of(path);
            Processes.await("the first beat", () -> probe.check().deadline().isPresent(), b -> b);
            long best = Long.MAX_VALUE;
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            for (int round = 0; best > 0 && (round < 40 || System.nanoTime() < until); round++) {
                long before = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    probe.check();
                }
                best = Math.min(best, THREADS.getCurrentThreadAllocatedBytes() - before);
            }
            assertThat(probe.check().deadline()).isPresent();
            System.out.println("backend " + BackendTest.expected() + ": " + best + " bytes allocated by 10,000 warm checks of a beating beacon");
            assertThat(best).as("bytes allocated by 10,000 warm checks of a beating beacon, backend " + BackendTest.expected())
                    .isLessThan(1_000);
        }
    }
}
