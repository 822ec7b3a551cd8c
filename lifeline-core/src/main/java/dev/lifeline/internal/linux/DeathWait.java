package dev.lifeline.internal.linux;

import dev.lifeline.internal.DeathWatch;
import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.posix.CallState;
import dev.lifeline.internal.posix.Errno;
import dev.lifeline.internal.posix.Fifos;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Waiting for the death of a beacon's holder without polling: the write end of the FIFO, held
 * open, reports POLLERR the moment the last reader is gone, however it went (SIGKILL included).
 * A wait owns two descriptors, the FIFO's write end and a {@link Wakeup} that {@link #cancel()}
 * signals.
 */
final class DeathWait implements DeathWatch {
    private final LinuxCalls calls;
    private final Fifos fifos;
    private final int fifo;
    private final long dev;
    private final long ino;
    private final Wakeup wake;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object lock = new Object();

    private DeathWait(LinuxCalls calls, Fifos fifos, int fifo, long dev, long ino, Wakeup wake) {
        this.calls = calls;
        this.fifos = fifos;
        this.fifo = fifo;
        this.dev = dev;
        this.ino = ino;
        this.wake = wake;
    }

    /** A wait on a FIFO with a live reader; null if there is none to watch, or the open failed. */
    static DeathWait open(LinuxCalls calls, Fifos fifos, NativePath path) {
        CallState s = calls.state();
        int fd = calls.openWriter(s, path, false);
        if (fd < 0) {
            return null;
        }
        if (calls.fstat(s, fd) < 0 || (s.mode() & Abi.S_IFMT) != Abi.S_IFIFO) {
            calls.close(s, fd);
            return null;
        }
        long dev = s.dev();
        long ino = s.ino();
        Wakeup wake = Wakeup.open(calls, new int[1]);
        if (wake == null) {
            fifos.closeFifo(s, fd, dev, ino);
            return null;
        }
        return new DeathWait(calls, fifos, fd, dev, ino, wake);
    }

    @Override
    public int await(long timeoutNanos) {
        CallState s = calls.state();
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            ByteBuffer fds = Polls.allocate(calls, 2);
            // events = 0 on the FIFO: its write end is writable at once (POLLOUT), and POLLERR,
            // the only news wanted, is reported whatever is asked.
            Polls.set(fds, 0, fifo, (short) 0);
            Polls.set(fds, 1, wake.fd, Abi.POLLIN);
            for (;;) {
                int timeout = -1;
                if (timeoutNanos >= 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return TIMED_OUT;
                    }
                    timeout = Polls.millis(left);
                }
                Polls.clear(fds, 0);
                Polls.clear(fds, 1);
                int r = calls.poll(s, fds, 2, timeout);
                if (r == -Errno.EINTR) {
                    continue;
                }
                if (r < 0) {
                    return r;
                }
                if (Polls.revents(fds, 1) != 0) {
                    return CANCELLED;
                }
                short revents = Polls.revents(fds, 0);
                if ((revents & (Abi.POLLERR | Abi.POLLHUP)) != 0) {
                    return DIED;
                }
                if ((revents & Abi.POLLNVAL) != 0) {
                    return -Errno.EBADF;
                }
            }
        } finally {
            close();
        }
    }

    @Override
    public void cancel() {
        synchronized (lock) {
            if (!closed.get()) {
                wake.signal();
            }
        }
    }

    private void close() {
        // Under the lock: cancel() must never signal a descriptor number that close() has
        // released and the kernel may have handed to someone else.
        synchronized (lock) {
            if (closed.compareAndSet(false, true)) {
                CallState s = calls.state();
                fifos.closeFifo(s, fifo, dev, ino);
                wake.close(s);
            }
        }
    }
}
