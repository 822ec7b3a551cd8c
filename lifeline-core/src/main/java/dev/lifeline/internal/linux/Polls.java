package dev.lifeline.internal.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Arrays of struct pollfd in native memory. */
final class Polls {
    private Polls() {
    }

    static void set(MemorySegment fds, int index, int fd, short events) {
        long at = index * Abi.POLLFD_SIZE;
        fds.set(ValueLayout.JAVA_INT, at + Abi.POLLFD_FD, fd);
        fds.set(ValueLayout.JAVA_SHORT, at + Abi.POLLFD_EVENTS, events);
        fds.set(ValueLayout.JAVA_SHORT, at + Abi.POLLFD_REVENTS, (short) 0);
    }

    static void clear(MemorySegment fds, int index) {
        fds.set(ValueLayout.JAVA_SHORT, index * Abi.POLLFD_SIZE + Abi.POLLFD_REVENTS, (short) 0);
    }

    static short revents(MemorySegment fds, int index) {
        return fds.get(ValueLayout.JAVA_SHORT, index * Abi.POLLFD_SIZE + Abi.POLLFD_REVENTS);
    }
}
