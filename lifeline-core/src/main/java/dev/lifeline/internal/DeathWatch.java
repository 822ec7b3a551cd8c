package dev.lifeline.internal;

/**
 * A wait for the death of a beacon's holder, without polling. {@link #await} by one thread, the
 * library's own; {@link #cancel} by any, any number of times.
 */
public interface DeathWatch {
    /** await: the holder is gone. */
    int DIED = 1;
    /** await: the time ran out. */
    int TIMED_OUT = 0;
    /** await: cancelled. */
    int CANCELLED = 2;

    /**
     * Blocks until the holder dies, the watch is cancelled or {@code timeoutNanos} pass (negative:
     * no limit), then releases what it holds: DIED, TIMED_OUT, CANCELLED, or minus errno.
     */
    int await(long timeoutNanos);

    /** Makes {@link #await} return CANCELLED. */
    void cancel();
}
