package dev.lifeline.internal;

/**
 * A wait for a holder to open a beacon: the caller arms, checks, and awaits, in a loop, so that an
 * event after the arming cannot be missed. {@link #arm} and {@link #await} by one thread;
 * {@link #cancel} by any.
 */
public interface BirthWatch {
    /** await: something happened at the path; check again. */
    int EVENT = 1;
    /** await: the time ran out; check again. */
    int TIMED_OUT = 0;
    /** await: cancelled. */
    int CANCELLED = 2;

    /** Adds the watches that can be added now. */
    void arm();

    /** Sleeps until an event, cancellation or {@code timeoutNanos} (negative: none): EVENT, TIMED_OUT, CANCELLED, or minus errno. */
    int await(long timeoutNanos);

    void cancel();

    /** Releases everything. Idempotent. */
    void close();
}
