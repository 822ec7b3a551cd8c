package dev.lifeline.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded waits for the conditions nothing announces: look, and look again until the condition
 * holds or the limit passes, then fail with the last thing seen. Never a delay that stands in for
 * an event: whatever a process or a thread does announce (a line, an exit) is waited for as that
 * event.
 */
public final class Await {
    private Await() {
    }

    /**
     * Observes until {@code done} holds for what {@code observe} returns, and returns that; fails
     * with the last value seen once {@code limit} has passed. Looks again at once (a spin), for
     * conditions that change within microseconds.
     */
    public static <T> T until(String what, Supplier<T> observe, Predicate<T> done, Duration limit) {
        return until(what, observe, done, limit, Duration.ZERO);
    }

    /**
     * As {@link #until(String, Supplier, Predicate, Duration)}, resting {@code pause} between
     * looks: for conditions that take a while, and observations that cost (a child process, an
     * HTTP request).
     */
    public static <T> T until(String what, Supplier<T> observe, Predicate<T> done, Duration limit, Duration pause) {
        long deadline = System.nanoTime() + limit.toNanos();
        T last = observe.get();
        while (!done.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": still " + last + " after " + limit);
            }
            if (pause.isZero()) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(pause.toNanos());
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(what + ": interrupted; last seen " + last);
                }
            }
            last = observe.get();
        }
        return last;
    }
}
