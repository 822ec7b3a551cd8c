package dev.lifeline;

import java.nio.file.Path;

/**
 * One-line checks for the common case. For repeated checks of one path, keep a {@link Probe}:
 * it prepares the path once and then allocates nothing per check.
 *
 * <p>Concurrency: stateless; safe for concurrent use.
 */
public final class Lifeline {
    private Lifeline() {
    }

    /**
     * Whether a process holds the beacon at {@code path} right now and is well: true for ALIVE
     * only. False for HUNG (a holder that missed the deadline it promised), DEAD and ABSENT, and
     * also when no answer could be had: use {@link #check(Path)} to tell these apart.
     */
    public static boolean isAlive(Path path) {
        return check(path).isAlive();
    }

    /**
     * Checks the beacon at {@code path} once; see {@link Probe#check()}.
     *
     * @throws IllegalArgumentException if the path is empty or holds a NUL character, as
     *         {@link Probe#of(Path)} does
     */
    public static Status check(Path path) {
        return Probe.of(path).check();
    }
}
