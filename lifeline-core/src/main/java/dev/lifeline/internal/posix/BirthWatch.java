package dev.lifeline.internal.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Waiting for a holder to open a beacon, from inotify: {@code IN_CREATE}/{@code IN_MOVED_TO} on
 * the directory (a FIFO appears), {@code IN_OPEN} on the FIFO (someone opens it). Internal
 * usage only.
 *
 * <p>Why it never loops on its own events: a probe of a FIFO nobody holds fails with ENXIO, and
 * a failed open raises no IN_OPEN. Only a successful open does, and a successful probe means
 * ALIVE, which ends the wait. Why it misses nothing: the watches are armed before each check, so
 * an open that the check did not see raises an event that wakes the next wait.
 *
 * <p>Where the directory does not exist (nothing to watch yet), {@link #await} sleeps in poll on
 * the wake-up descriptor alone, with a bounded back-off, and the caller re-arms and re-checks:
 * the bounded-poll fallback.
 *
 * <p>Concurrency: {@link #arm()} and {@link #await(long)} by one thread, the library's;
 * {@link #cancel()} by any thread.
 */
public final class BirthWatch {
    /** await: something happened at the path; check again. */
    public static final int EVENT = 1;
    /** await: the time ran out (or the fallback's back-off did); check again. */
    public static final int TIMED_OUT = 0;
    /** await: cancelled. */
    public static final int CANCELLED = 2;

    private static final long MIN_BACKOFF_NANOS = 10_000_000L;
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    private final NativePath fifo;
    private final NativePath dir;
    private final int inotify;
    private final int wake;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment fds;
    private final MemorySegment events;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object lock = new Object();
    private boolean dirWatched;
    private int dirWatch = -1;
    private long backoffNanos = MIN_BACKOFF_NANOS;

    private BirthWatch(NativePath fifo, NativePath dir, int inotify, int wake) {
        this.fifo = fifo;
        this.dir = dir;
        this.inotify = inotify;
        this.wake = wake;
        this.fds = arena.allocate(2 * Linux.POLLFD_SIZE, 4);
        // Room for many events at once; each is 16 bytes plus a name of at most NAME_MAX + 1.
        this.events = arena.allocate(16 * 1024, 8);
    }

    /**
     * A watch on {@code fifo}, whose parent directory is {@code dir}. Where no inotify instance can
     * be had (the per-user limit, 128 by default, is reached), the watch runs on the bounded-poll
     * fallback alone. Returns null, with {@code errno[0]} set, only if not even the wake-up
     * descriptor can be made.
     */
    public static BirthWatch open(NativePath fifo, NativePath dir, int[] errno) {
        LibC.Scratch s = LibC.scratch();
        int wake = LibC.eventfd(s, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK);
        if (wake < 0) {
            errno[0] = -wake;
            return null;
        }
        int inotify = LibC.inotifyInit(s, Linux.IN_CLOEXEC | Linux.IN_NONBLOCK);
        return new BirthWatch(fifo, dir, inotify, wake); // inotify < 0: fallback only
    }

    /**
     * Adds the watches that can be added now: the directory's, once it exists, and the FIFO's,
     * again each time (a FIFO created anew is a new inode; adding a watch twice on the same
     * inode only updates it).
     */
    public void arm() {
        LibC.Scratch s = LibC.scratch();
        if (inotify < 0) {
            return;
        }
        if (!dirWatched) {
            dirWatch = LibC.inotifyAddWatch(s, inotify, dir, Linux.IN_CREATE | Linux.IN_MOVED_TO | Linux.IN_ONLYDIR);
            dirWatched = dirWatch >= 0;
        }
        LibC.inotifyAddWatch(s, inotify, fifo, Linux.IN_OPEN);
    }

    /**
     * Sleeps until an event, cancellation, or {@code timeoutNanos} (negative: no limit); without a
     * directory to watch, at most a back-off that doubles from 10 ms to 1 s. Drains the events it
     * wakes for. Returns EVENT, TIMED_OUT, CANCELLED, or minus errno.
     */
    public int await(long timeoutNanos) {
        LibC.Scratch s = LibC.scratch();
        long limit = timeoutNanos;
        if (!dirWatched) {
            limit = limit < 0 ? backoffNanos : Math.min(limit, backoffNanos);
            backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
        }
        int timeout = limit < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(limit, 1_000_000L));
        fds.set(ValueLayout.JAVA_INT, 0, inotify); // poll ignores a negative descriptor
        fds.set(ValueLayout.JAVA_SHORT, 4, Linux.POLLIN);
        fds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        fds.set(ValueLayout.JAVA_INT, 8, wake);
        fds.set(ValueLayout.JAVA_SHORT, 12, Linux.POLLIN);
        fds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
        int r = LibC.poll(s, fds, 2, timeout);
        if (r == -Errno.EINTR || r == 0) {
            return TIMED_OUT;
        }
        if (r < 0) {
            return r;
        }
        if (fds.get(ValueLayout.JAVA_SHORT, 14) != 0) {
            return CANCELLED;
        }
        // Drain: what matters is that something happened, not what; except that a directory
        // removed (IN_IGNORED on its watch) must be watched again once it is back.
        long n;
        while ((n = LibC.read(s, inotify, events)) > 0) {
            for (long at = 0; at + 16 <= n; at += 16 + Integer.toUnsignedLong(events.get(ValueLayout.JAVA_INT, at + 12))) {
                int wd = events.get(ValueLayout.JAVA_INT, at);
                int mask = events.get(ValueLayout.JAVA_INT, at + 4);
                if (wd == dirWatch && (mask & Linux.IN_IGNORED) != 0) {
                    dirWatched = false;
                    dirWatch = -1;
                }
            }
        }
        return EVENT;
    }

    /** Wakes {@link #await} if it is blocked, so that it returns CANCELLED. */
    public void cancel() {
        synchronized (lock) {
            if (!closed.get()) {
                LibC.signal(LibC.scratch(), wake);
            }
        }
    }

    /** Releases both descriptors and the native buffers. Idempotent. */
    public void close() {
        synchronized (lock) {
            if (closed.compareAndSet(false, true)) {
                LibC.Scratch s = LibC.scratch();
                if (inotify >= 0) {
                    LibC.close(s, inotify);
                }
                LibC.close(s, wake);
                arena.close();
            }
        }
    }
}
