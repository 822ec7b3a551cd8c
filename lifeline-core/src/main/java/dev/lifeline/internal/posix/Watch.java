package dev.lifeline.internal.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Waiting for the death of a beacon's holder without polling: the write end of the FIFO, held
 * open, reports POLLERR the moment the last reader is gone, however it went (SIGKILL included).
 * Internal usage only.
 *
 * <p>A watch owns two descriptors, the FIFO's write end and an eventfd that {@link #cancel()}
 * signals, because a thread blocked in poll(2) does not notice Thread.interrupt.
 *
 * <p>Concurrency: {@link #await(long)} is called by one thread, the library's; {@link #cancel()}
 * by any thread, any number of times.
 */
public final class Watch {
    /** await: the holder is gone. */
    public static final int DIED = 1;
    /** await: the time ran out. */
    public static final int TIMED_OUT = 0;
    /** await: cancelled. */
    public static final int CANCELLED = 2;

    private final int fifo;
    private final long dev;
    private final long ino;
    private final int wake;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object lock = new Object();

    private Watch(int fifo, long dev, long ino, int wake) {
        this.fifo = fifo;
        this.dev = dev;
        this.ino = ino;
        this.wake = wake;
    }

    /**
     * Opens a watch on a FIFO with a live reader. Returns null if there is no live holder to
     * watch, or the open failed: the caller asks {@link Fifo#probe} what is there instead.
     */
    public static Watch open(NativePath path) {
        LibC.Scratch s = LibC.scratch();
        int fd = LibC.open(s, path, Linux.O_WRONLY | Linux.O_NONBLOCK | Linux.O_CLOEXEC | Linux.O_NOCTTY);
        if (fd < 0) {
            return null;
        }
        if (LibC.fstatx(s, fd, Linux.STATX_TYPE | Linux.STATX_INO) < 0 || (s.statxMode() & Linux.S_IFMT) != Linux.S_IFIFO) {
            LibC.close(s, fd);
            return null;
        }
        long dev = s.statxDev();
        long ino = s.statxIno();
        int wake = LibC.eventfd(s, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK);
        if (wake < 0) {
            Fifo.closeFifo(s, fd, dev, ino);
            return null;
        }
        return new Watch(fd, dev, ino, wake);
    }

    /**
     * Blocks in poll(2) until the holder dies, the watch is cancelled, or {@code timeoutNanos}
     * pass (negative: no limit). Then closes both descriptors. Returns DIED, CANCELLED, TIMED_OUT
     * or minus errno.
     */
    public int await(long timeoutNanos) {
        LibC.Scratch s = LibC.scratch();
        long deadline = System.nanoTime() + timeoutNanos;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(2 * Linux.POLLFD_SIZE, 4);
            // events = 0 on the FIFO: its write end is writable at once (POLLOUT), and POLLERR,
            // the only news wanted, is reported whatever is asked.
            fds.set(ValueLayout.JAVA_INT, 0, fifo);
            fds.set(ValueLayout.JAVA_SHORT, 4, (short) 0);
            fds.set(ValueLayout.JAVA_INT, 8, wake);
            fds.set(ValueLayout.JAVA_SHORT, 12, Linux.POLLIN);
            for (;;) {
                int timeout = -1;
                if (timeoutNanos >= 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return TIMED_OUT;
                    }
                    timeout = (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(left, 1_000_000L));
                }
                fds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                fds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
                int r = LibC.poll(s, fds, 2, timeout);
                if (r == -Errno.EINTR) {
                    continue;
                }
                if (r < 0) {
                    return r;
                }
                if (fds.get(ValueLayout.JAVA_SHORT, 14) != 0) {
                    return CANCELLED;
                }
                short revents = fds.get(ValueLayout.JAVA_SHORT, 6);
                if ((revents & (Linux.POLLERR | Linux.POLLHUP)) != 0) {
                    return DIED;
                }
                if ((revents & Linux.POLLNVAL) != 0) {
                    return -Errno.EBADF;
                }
            }
        } finally {
            close();
        }
    }

    /** Wakes {@link #await} if it is blocked, so that it returns CANCELLED. */
    public void cancel() {
        synchronized (lock) {
            if (!closed.get()) {
                LibC.signal(LibC.scratch(), wake);
            }
        }
    }

    private void close() {
        // Under the lock: cancel() must never signal a descriptor number that close() has
        // released and the kernel may have handed to someone else.
        synchronized (lock) {
            if (closed.compareAndSet(false, true)) {
                LibC.Scratch s = LibC.scratch();
                Fifo.closeFifo(s, fifo, dev, ino);
                LibC.close(s, wake);
            }
        }
    }
}
