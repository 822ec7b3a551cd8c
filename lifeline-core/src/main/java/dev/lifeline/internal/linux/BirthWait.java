package dev.lifeline.internal.linux;

import dev.lifeline.internal.BirthWatch;
import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.posix.CallState;
import dev.lifeline.internal.posix.Errno;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Waiting for a holder to open a beacon, from inotify: {@code IN_CREATE}/{@code IN_MOVED_TO} on
 * the directory (a FIFO appears), {@code IN_OPEN} on the FIFO (someone opens it).
 *
 * <p>Why it never loops on its own events: a probe of a FIFO nobody holds fails with ENXIO, and a
 * failed open raises no IN_OPEN. Only a successful open does, and a successful probe means ALIVE,
 * which ends the wait. Why it misses nothing: the watches are armed before each check, so an open
 * that the check did not see raises an event that wakes the next wait.
 *
 * <p>Where the directory does not exist (nothing to watch yet), or no inotify instance can be had
 * (the per-user limit, 128 by default), {@link #await} sleeps in poll on the wake-up descriptor
 * alone, with a back-off that doubles from 10 ms to 1 s, and the caller re-arms and re-checks.
 */
final class BirthWait implements BirthWatch {
    private static final long MIN_BACKOFF_NANOS = 10_000_000L;
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    private final LinuxCalls calls;
    private final NativePath fifo;
    private final NativePath dir;
    private final int inotify;
    private final Wakeup wake;
    private final ByteBuffer fds;
    private final ByteBuffer events;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object lock = new Object();
    private boolean dirWatched;
    private int dirWatch = -1;
    private long backoffNanos = MIN_BACKOFF_NANOS;

    private BirthWait(LinuxCalls calls, NativePath fifo, NativePath dir, int inotify, Wakeup wake) {
        this.calls = calls;
        this.fifo = fifo;
        this.dir = dir;
        this.inotify = inotify;
        this.wake = wake;
        this.fds = Polls.allocate(calls, 2);
        // Room for many events at once; each is 16 bytes plus a name of at most NAME_MAX + 1.
        this.events = calls.allocate(16 * 1024);
    }

    /** Null, with {@code errno[0]} set, only if not even the wake-up descriptor can be made. */
    static BirthWait open(LinuxCalls calls, NativePath fifo, NativePath dir, int[] errno) {
        Wakeup wake = Wakeup.open(calls, errno);
        if (wake == null) {
            return null;
        }
        int inotify = calls.inotifyInit(calls.state());
        return new BirthWait(calls, fifo, dir, inotify, wake); // inotify < 0: the back-off alone
    }

    /**
     * Adds the directory's watch, once it exists, and the FIFO's, again each time (a FIFO created
     * anew is a new inode; adding a watch twice on the same inode only updates it).
     */
    @Override
    public void arm() {
        CallState s = calls.state();
        if (inotify < 0) {
            return;
        }
        if (!dirWatched) {
            dirWatch = calls.inotifyAddWatch(s, inotify, dir, Abi.IN_CREATE | Abi.IN_MOVED_TO | Abi.IN_ONLYDIR);
            dirWatched = dirWatch >= 0;
        }
        calls.inotifyAddWatch(s, inotify, fifo, Abi.IN_OPEN);
    }

    @Override
    public int await(long timeoutNanos) {
        CallState s = calls.state();
        long limit = timeoutNanos;
        if (!dirWatched) {
            limit = limit < 0 ? backoffNanos : Math.min(limit, backoffNanos);
            backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
        }
        int timeout = limit < 0 ? -1 : Polls.millis(limit);
        Polls.set(fds, 0, inotify, Abi.POLLIN); // poll ignores a negative descriptor
        Polls.set(fds, 1, wake.fd, Abi.POLLIN);
        int r = calls.poll(s, fds, 2, timeout);
        if (r == -Errno.EINTR || r == 0) {
            return TIMED_OUT;
        }
        if (r < 0) {
            return r;
        }
        if (Polls.revents(fds, 1) != 0) {
            return CANCELLED;
        }
        // Drain: what matters is that something happened, not what; except that a directory
        // removed (IN_IGNORED on its watch) must be watched again once it is back.
        Inotify.drain(calls, s, inotify, events, (wd, mask, cookie, name) -> {
            if (wd == dirWatch && (mask & Abi.IN_IGNORED) != 0) {
                dirWatched = false;
                dirWatch = -1;
            }
        });
        return EVENT;
    }

    @Override
    public void cancel() {
        synchronized (lock) {
            if (!closed.get()) {
                wake.signal();
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed.compareAndSet(false, true)) {
                CallState s = calls.state();
                if (inotify >= 0) {
                    calls.close(s, inotify);
                }
                wake.close(s);
            }
        }
    }
}
