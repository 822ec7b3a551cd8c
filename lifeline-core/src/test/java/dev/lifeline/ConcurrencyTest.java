package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Pool;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verdicts under contention, compared with the ground truth of the moment they were made.
 *
 * <p>The flapping holder moves a phase counter through four steps: 0 (no holder: must be DEAD or
 * ABSENT), 1 (opening), 2 (held: must be ALIVE), 3 (closing). A checker reads the phase before
 * and after its check; when both readings are the same stable phase, that phase held for the
 * whole check and the verdict must match it. Anything but ALIVE, DEAD or ABSENT is wrong at any
 * phase.
 */
class ConcurrencyTest {
    private static final int CHECKERS = 4;
    private static final int FLAPS = 1_500;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void everyVerdictMatchesTheTruthWhileAHolderFlaps() throws Exception {
        Path path = dir.resolve("flapping");
        AtomicLong phase = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Probe shared = Probe.of(path);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger judged = new AtomicInteger();
        AtomicInteger judgedAlive = new AtomicInteger();
        AtomicInteger judgedNotAlive = new AtomicInteger();

        try (Pool pool = Pool.fixed(CHECKERS * 2 + 1)) {
            List<Future<?>> checkers = new ArrayList<>();
            for (int t = 0; t < CHECKERS * 2; t++) {
                boolean own = t % 2 == 1; // half share one Probe, half each have their own
                checkers.add(pool.submit(() -> {
                    Probe probe = own ? Probe.of(path) : shared;
                    while (!done.get()) {
                        long before = phase.get();
                        Status status = probe.check();
                        long after = phase.get();
                        Status.State s = status.state();
                        if (s == Status.State.UNKNOWN) {
                            wrong.add("phase " + before + ".." + after + ": " + status);
                            continue;
                        }
                        if (before != after) {
                            continue; // a transition happened during the check: any answer fits
                        }
                        int p = (int) (before & 3);
                        if (p == 2) {
                            judged.incrementAndGet();
                            judgedAlive.incrementAndGet();
                            if (s != Status.State.ALIVE) {
                                wrong.add("held throughout, yet " + status);
                            }
                        } else if (p == 0) {
                            judged.incrementAndGet();
                            judgedNotAlive.incrementAndGet();
                            if (s == Status.State.ALIVE) {
                                wrong.add("no holder throughout, yet " + status);
                            }
                        }
                    }
                    return null;
                }));
            }
            Future<?> holder = pool.submit(() -> {
                long deadline = System.nanoTime() + LIMIT.toNanos();
                for (int i = 0; i < FLAPS && System.nanoTime() < deadline; i++) {
                    phase.incrementAndGet(); // 1: opening
                    Beacon beacon = Beacon.open(path, i % 3 == 0 ? new BeaconOption[] {BeaconOption.EXCLUSIVE}
                            : new BeaconOption[0]);
                    phase.incrementAndGet(); // 2: held
                    for (int spin = 0; spin < 2_000; spin++) {
                        Thread.onSpinWait();
                    }
                    phase.incrementAndGet(); // 3: closing
                    beacon.close();
                    phase.incrementAndGet(); // 0: gone
                    for (int spin = 0; spin < 2_000; spin++) {
                        Thread.onSpinWait();
                    }
                }
                return null;
            });
            holder.get();
            done.set(true);
            for (Future<?> f : checkers) {
                f.get();
            }
        }
        assertThat(wrong).as("wrong verdicts").isEmpty();
        assertThat(phase.get()).isEqualTo(4L * FLAPS);
        // The test proves something only if checks really landed inside stable phases of both kinds.
        assertThat(judgedAlive.get()).as("checks judged while held").isGreaterThan(100);
        assertThat(judgedNotAlive.get()).as("checks judged while not held").isGreaterThan(100);
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    /**
     * Exclusive holders racing to start while others close: never two at once, and never a FIFO
     * removed from under a live holder (the path always names the FIFO the holder has).
     */
    @Test
    void exclusiveHoldersNeverOverlapNorLoseTheirFifo() throws Exception {
        Path path = dir.resolve("single");
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger acquired = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        int rounds = 400;
        try (Pool pool = Pool.fixed(4)) {
            List<Future<?>> racers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                racers.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        Beacon beacon;
                        try {
                            beacon = Beacon.open(path, BeaconOption.EXCLUSIVE);
                        } catch (BeaconException e) {
                            if (e.fault() != Fault.HELD) {
                                wrong.add("unexpected refusal: " + e);
                            }
                            refused.incrementAndGet();
                            continue;
                        }
                        int now = holders.incrementAndGet();
                        acquired.incrementAndGet();
                        if (now != 1) {
                            wrong.add(now + " exclusive holders at once");
                        }
                        Object inode = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                        Status status = Probe.of(path).check();
                        if (status.state() != Status.State.ALIVE) {
                            wrong.add("held, yet " + status);
                        }
                        if (!inode.equals(Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS))) {
                            wrong.add("FIFO replaced under a live holder");
                        }
                        holders.decrementAndGet();
                        beacon.close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : racers) {
                f.get();
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(acquired.get()).isGreaterThan(rounds);
        assertThat(acquired.get() + refused.get()).isEqualTo(4 * rounds);
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
