package dev.lifeline.internal;

/**
 * A beacon held by this process: an open read end of the FIFO and its identity.
 *
 * <p>Concurrency: every method may be called from any thread; {@link #close} any number of times.
 */
public interface HeldBeacon {
    boolean isOpen();

    /** The descriptor number that a spawned or exec'd program inherits. */
    int descriptor();

    /**
     * Records a beat at {@code nowMillis} promising the next by {@code deadlineMillis}: 0 or minus errno.
     *
     * @throws IllegalStateException if the beacon is closed: its descriptor number may name another file by now
     */
    int beat(long nowMillis, long deadlineMillis);

    /**
     * Hands the beacon to a program that inherited its descriptor and lets go of it here; null,
     * with the beacon unchanged, if what is needed to remove it later cannot be had.
     */
    HandedOff release();

    /** Lets go, removing the FIFO if {@code remove} and this is its last holder: whether it was removed. */
    boolean close(boolean remove);
}
