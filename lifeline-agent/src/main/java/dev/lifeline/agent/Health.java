package dev.lifeline.agent;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Whether the JVM is well, asked before each beat:
 * <ul>
 * <li>no thread is deadlocked, on monitors or on {@code java.util.concurrent} locks
 *     ({@link ThreadMXBean#findDeadlockedThreads()});
 * <li>the share of wall time spent in garbage collection over the last window (the heartbeat's
 *     promise D) is below the limit: the sum of the collection times of the
 *     {@link GarbageCollectorMXBean}s, which count stop-the-world pauses. The concurrent cycle
 *     beans of ZGC and Shenandoah (names ending in {@code Cycles}) are left out: their time is
 *     spent beside the application, not instead of it.
 * </ul>
 * Until a whole window has passed, the share is taken over the time since the first check.
 *
 * <p>Concurrency: confined to the heartbeat thread.
 */
final class Health {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final List<GarbageCollectorMXBean> collectors;
    private final long windowNanos;
    private final double maxShare;
    /** {nanoTime, total GC millis} samples, oldest first, spanning at most a window. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    Health(Duration window, double maxShare) {
        this.windowNanos = window.toNanos();
        this.maxShare = maxShare;
        this.collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(gc -> !gc.getName().endsWith("Cycles"))
                .toList();
    }

    /** Null if the JVM is well; otherwise what is wrong, in a few words. */
    String check() {
        long[] deadlocked = threads.findDeadlockedThreads();
        if (deadlocked != null && deadlocked.length > 0) {
            return deadlocked.length + " threads deadlocked";
        }
        long now = System.nanoTime();
        long gc = 0;
        for (GarbageCollectorMXBean collector : collectors) {
            long t = collector.getCollectionTime();
            if (t > 0) {
                gc += t;
            }
        }
        samples.addLast(new long[] {now, gc});
        // Keep the newest sample that is at least a window old as the base, and all after it.
        while (samples.size() > 2) {
            var iterator = samples.iterator();
            iterator.next();
            long[] second = iterator.next();
            if (now - second[0] >= windowNanos) {
                samples.removeFirst();
            } else {
                break;
            }
        }
        long[] base = samples.peekFirst();
        long elapsedNanos = now - base[0];
        if (elapsedNanos <= 0) {
            return null;
        }
        double share = (gc - base[1]) * 1_000_000.0 / elapsedNanos;
        if (share >= maxShare) {
            return String.format("%.0f%% of the last %d ms in garbage collection", share * 100, elapsedNanos / 1_000_000);
        }
        return null;
    }
}
