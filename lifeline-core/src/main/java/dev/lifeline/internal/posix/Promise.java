package dev.lifeline.internal.posix;

import dev.lifeline.internal.Outcome;

/**
 * The heartbeat, in the FIFO's own times: a beat sets mtime to the time of the beat and atime to
 * the deadline promised for the next one.
 *
 * <p>The kernel moves these times too: a write into the FIFO sets mtime, a read may set atime (a
 * holder that reads, such as s6-supervise on its control FIFO, leaves atime after mtime with no
 * promise meant). So a promise is recognised only by a signature no kernel-made time carries but
 * by chance one in a million per time: lifeline writes both times at millisecond precision, with
 * the sub-millisecond nanoseconds set to {@link #SIGNATURE}. A time the kernel wrote over, or a
 * file system too coarse to keep nanoseconds, simply shows no promise: plain ALIVE, never HUNG.
 */
final class Promise {
    static final int SIGNATURE = 417_417;
    private static final int NANOS_PER_MILLI = 1_000_000;

    private Promise() {
    }

    /** Writes a beat at {@code nowMillis} promising {@code deadlineMillis} into the file open at {@code fd}. */
    static int write(Syscalls sys, CallState s, int fd, long nowMillis, long deadlineMillis) {
        return sys.setTimes(s, fd,
                Math.floorDiv(deadlineMillis, 1000), Math.floorMod(deadlineMillis, 1000) * (long) NANOS_PER_MILLI + SIGNATURE,
                Math.floorDiv(nowMillis, 1000), Math.floorMod(nowMillis, 1000) * (long) NANOS_PER_MILLI + SIGNATURE);
    }

    /**
     * The verdict on a held FIFO whose times the last stat read: ALIVE, or, for a holder that
     * promised a deadline, ALIVE_PROMISED or HUNG with the times. The clock is read here, once:
     * file times are wall-clock times, and so is the verdict.
     */
    static void judge(CallState s, Outcome out) {
        int beatNanos = s.mtimeNanos();
        int deadlineNanos = s.atimeNanos();
        if (beatNanos % NANOS_PER_MILLI != SIGNATURE || deadlineNanos % NANOS_PER_MILLI != SIGNATURE) {
            out.alive();
            return;
        }
        long beat = s.mtimeSeconds() * 1000 + beatNanos / NANOS_PER_MILLI;
        long deadline = s.atimeSeconds() * 1000 + deadlineNanos / NANOS_PER_MILLI;
        if (deadline <= beat) {
            out.alive();
            return;
        }
        // Only the deadline decides. A beat that lies in the future means the clock went back
        // since: the holder's promise still stands as written, so it is judged by the deadline
        // like any other (documented on Status.State.HUNG).
        out.promised(System.currentTimeMillis() > deadline, beat, deadline);
    }
}
