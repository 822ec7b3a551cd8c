package dev.lifeline.internal;

/**
 * A beacon handed to another program: what is kept to beat for it and to remove the FIFO once it
 * is gone. Concurrency: by one thread at a time.
 */
public interface HandedOff {
    /** Removes the FIFO if nobody holds it any more and the path still names it. */
    boolean removeIfUnheld();

    /** Beats for the program that holds the beacon now: 0 or minus errno (EBADF once let go). */
    int beat(long nowMillis, long deadlineMillis);

    /** Lets go without removing anything. */
    void forget();
}
