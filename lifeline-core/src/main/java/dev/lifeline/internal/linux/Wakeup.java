package dev.lifeline.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An eventfd that wakes a thread blocked in poll or epoll_wait, which does not notice
 * Thread.interrupt. Signalled from any thread; read and closed by its owner.
 */
final class Wakeup {
    final int fd;
    private final MemorySegment counter = Arena.ofAuto().allocate(8, 8);

    private Wakeup(int fd) {
        this.fd = fd;
    }

    /** A new wake-up; null with {@code errno[0]} set if no eventfd can be had. */
    static Wakeup open(int[] errno) {
        int fd = EventCalls.eventfd(Scratch.get(), Abi.EFD_CLOEXEC | Abi.EFD_NONBLOCK);
        if (fd < 0) {
            errno[0] = -fd;
            return null;
        }
        return new Wakeup(fd);
    }

    /** Adds one to the counter, waking whoever polls it: 0 or minus errno. */
    int signal() {
        Scratch s = Scratch.get();
        s.times.set(ValueLayout.JAVA_LONG, 0, 1L);
        long r = EventCalls.write(s, fd, s.times, 8);
        return r >= 0 ? 0 : (int) r;
    }

    /** Reads the counter back to zero, by its owner. */
    void drain(Scratch s) {
        EventCalls.read(s, fd, counter);
    }

    void close(Scratch s) {
        LinuxSyscalls.close(s, fd);
    }
}
