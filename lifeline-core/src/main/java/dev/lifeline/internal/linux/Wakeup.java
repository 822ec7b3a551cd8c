package dev.lifeline.internal.linux;

import dev.lifeline.internal.posix.CallState;
import java.nio.ByteBuffer;

/**
 * An eventfd that wakes a thread blocked in poll or epoll_wait, which does not notice
 * Thread.interrupt. Signalled from any thread; read and closed by its owner.
 */
final class Wakeup {
    final int fd;
    private final LinuxCalls calls;
    /** The 1 that every signal adds: written once, only ever read by the kernel after. */
    private final ByteBuffer one;
    private final ByteBuffer counter;

    private Wakeup(LinuxCalls calls, int fd) {
        this.calls = calls;
        this.fd = fd;
        this.one = calls.allocate(8);
        this.one.putLong(0, 1L);
        this.counter = calls.allocate(8);
    }

    /** A new wake-up; null with {@code errno[0]} set if no eventfd can be had. */
    static Wakeup open(LinuxCalls calls, int[] errno) {
        int fd = calls.eventfd(calls.state(), Abi.EFD_CLOEXEC | Abi.EFD_NONBLOCK);
        if (fd < 0) {
            errno[0] = -fd;
            return null;
        }
        return new Wakeup(calls, fd);
    }

    /** Adds one to the counter, waking whoever polls it: 0 or minus errno. */
    int signal() {
        long r = calls.write(calls.state(), fd, one, 8);
        return r >= 0 ? 0 : (int) r;
    }

    /** Reads the counter back to zero, by its owner. */
    void drain(CallState s) {
        calls.read(s, fd, counter);
    }

    void close(CallState s) {
        calls.close(s, fd);
    }
}
