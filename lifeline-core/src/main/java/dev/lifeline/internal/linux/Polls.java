package dev.lifeline.internal.linux;

import java.nio.ByteBuffer;

/** Arrays of struct pollfd, in memory from {@link LinuxCalls#allocate}. */
final class Polls {
    private Polls() {
    }

    static ByteBuffer allocate(LinuxCalls calls, int count) {
        return calls.allocate(count * Abi.POLLFD_SIZE);
    }

    static void set(ByteBuffer fds, int index, int fd, short events) {
        int at = index * Abi.POLLFD_SIZE;
        fds.putInt(at + Abi.POLLFD_FD, fd);
        fds.putShort(at + Abi.POLLFD_EVENTS, events);
        fds.putShort(at + Abi.POLLFD_REVENTS, (short) 0);
    }

    static void clear(ByteBuffer fds, int index) {
        fds.putShort(index * Abi.POLLFD_SIZE + Abi.POLLFD_REVENTS, (short) 0);
    }

    /** A poll timeout in milliseconds for {@code nanos} left, rounded up so as never to wake early. */
    static int millis(long nanos) {
        return (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999L) / 1_000_000L);
    }

    static short revents(ByteBuffer fds, int index) {
        return fds.getShort(index * Abi.POLLFD_SIZE + Abi.POLLFD_REVENTS);
    }
}
