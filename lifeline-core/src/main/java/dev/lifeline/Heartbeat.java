package dev.lifeline;

import dev.lifeline.internal.Waiting;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Beats a {@link Beacon} on a schedule, but only while the daemon's work really moves: while a
 * health condition holds ({@link #whileHealthy}), or while a progress counter that the work loop
 * advances keeps changing ({@link #onProgress}), as systemd's watchdog and Erlang's heart do. When
 * the condition fails or the counter stalls, the beats stop, the promised deadline passes, and
 * probes answer HUNG.
 *
 * <p>The pitfall this class exists to avoid: a thread that beats unconditionally outlives a
 * deadlocked main loop and keeps a hung daemon looking well forever. Never hand it a condition
 * that is always true.
 *
 * <p>Each beat promises {@code promise}; beats come every third of it, so one late or skipped
 * beat does not make a healthy daemon HUNG. The beats run on one platform daemon thread owned by
 * this object, never on a caller's virtual thread.
 *
 * <p>Concurrency: safe for concurrent use; {@link #close()} is idempotent, stops the thread and
 * waits for it. Closing the heartbeat does not close the beacon.
 */
public final class Heartbeat implements AutoCloseable {
    private final Beacon beacon;
    private final Duration promise;
    private final long periodNanos;
    private final BooleanSupplier healthy;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stop = lock.newCondition();
    private boolean closed;
    private volatile Exception lastFailure;

    private Heartbeat(Beacon beacon, Duration promise, BooleanSupplier healthy) {
        this.beacon = Objects.requireNonNull(beacon, "beacon");
        this.promise = Objects.requireNonNull(promise, "promise");
        if (promise.toMillis() < 3) {
            throw new IllegalArgumentException("a promise of at least 3 ms is needed, not " + promise);
        }
        this.periodNanos = promise.toNanos() / 3;
        this.healthy = Objects.requireNonNull(healthy, "healthy");
        this.thread = Waiting.daemon("lifeline-heartbeat " + beacon.path(), this::run);
    }

    /**
     * Beats every third of {@code promise}, each time {@code healthy} returns true. The condition
     * runs on the heartbeat thread: it should be cheap and must not block for long.
     *
     * @param beacon  the beacon to beat
     * @param promise how long each beat promises; at least 3 ms
     * @param healthy asked before each beat; false skips it
     * @return the running heartbeat
     */
    public static Heartbeat whileHealthy(Beacon beacon, Duration promise, BooleanSupplier healthy) {
        Heartbeat heartbeat = new Heartbeat(beacon, promise, healthy);
        heartbeat.thread.start();
        return heartbeat;
    }

    /**
     * Beats every third of {@code promise} if {@code progress} has changed since the previous
     * beat. Advance the counter on every turn of the work loop, idle turns included (a loop
     * that waits for work with a timeout should count each timeout), or an idle daemon reads as
     * HUNG. The first beat is made at once.
     *
     * @param beacon   the beacon to beat
     * @param promise  how long each beat promises; at least 3 ms
     * @param progress read before each beat; an unchanged value skips it
     * @return the running heartbeat
     */
    public static Heartbeat onProgress(Beacon beacon, Duration promise, LongSupplier progress) {
        Objects.requireNonNull(progress, "progress");
        long[] seen = {Long.MIN_VALUE};
        return whileHealthy(beacon, promise, () -> {
            long now = progress.getAsLong();
            boolean moved = now != seen[0];
            seen[0] = now; // only the heartbeat thread reads or writes seen
            return moved;
        });
    }

    /** The promise each beat makes. */
    public Duration promise() {
        return promise;
    }

    /** The last failure to beat (the condition threw, or the times could not be set), if any. */
    public java.util.Optional<Exception> lastFailure() {
        return java.util.Optional.ofNullable(lastFailure);
    }

    private void run() {
        long next = System.nanoTime();
        lock.lock();
        try {
            while (!closed) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    stop.awaitNanos(wait);
                    continue;
                }
                next += periodNanos;
                lock.unlock();
                try {
                    beatIfHealthy();
                } finally {
                    lock.lock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void beatIfHealthy() {
        try {
            if (healthy.getAsBoolean() && beacon.isOpen()) {
                beacon.beat(promise);
            }
        } catch (IllegalStateException closedMeanwhile) {
            // the beacon was closed between the check and the beat: nothing left to promise
        } catch (Exception e) {
            lastFailure = e; // no beat: the deadline will pass and the beacon read HUNG, the truth
        }
    }

    /** Stops beating and waits for the heartbeat thread to end. The beacon stays open. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            stop.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(1));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "Heartbeat[" + beacon.path() + ", promise " + promise + "]";
    }
}
