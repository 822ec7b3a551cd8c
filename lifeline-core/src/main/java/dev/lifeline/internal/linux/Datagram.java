package dev.lifeline.internal.linux;

import static dev.lifeline.internal.linux.Abi.AF_UNIX;
import static dev.lifeline.internal.linux.Abi.SOCK_DGRAM;
import static dev.lifeline.internal.linux.Abi.SUN_PATH;
import static dev.lifeline.internal.linux.Abi.SUN_PATH_MAX;
import static dev.lifeline.internal.linux.Downcalls.ERRNO;
import static dev.lifeline.internal.linux.Downcalls.link;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import dev.lifeline.internal.posix.Errno;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * Sending one datagram to a Unix socket, as systemd's sd_notify does: the JDK's DatagramChannel
 * speaks no AF_UNIX. Internal usage only.
 *
 * <p>An address starting with {@code @} is in the abstract namespace (the {@code @} becomes a
 * NUL byte and no terminator follows), as systemd hands out in {@code NOTIFY_SOCKET}.
 */
final class Datagram {
    private Datagram() {
    }

    private static final class Socket {
        static final MethodHandle MH = link("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class SendTo {
        static final MethodHandle MH = link("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    /**
     * Sends {@code message} to the datagram socket at {@code address}: 0, or minus errno. A new
     * socket per message: notifications are rare, and nothing is left open between them.
     */
    static int send(String address, String message) {
        byte[] path = address.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = path.length > 0 && path[0] == '@';
        if (path.length == 0 || path.length >= SUN_PATH_MAX) {
            return -Errno.EINVAL;
        }
        Scratch s = Scratch.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sockaddr = arena.allocate(SUN_PATH + SUN_PATH_MAX, 2);
            sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(path, 0, sockaddr, ValueLayout.JAVA_BYTE, SUN_PATH, path.length);
            int length = SUN_PATH + path.length + 1; // with the terminator
            if (abstractName) {
                sockaddr.set(ValueLayout.JAVA_BYTE, SUN_PATH, (byte) 0);
                length = SUN_PATH + path.length; // the name is the bytes, no terminator
            }
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            MemorySegment payload = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, payload, ValueLayout.JAVA_BYTE, 0, bytes.length);
            int fd = (int) Socket.MH.invokeExact(s.errno, AF_UNIX, SOCK_DGRAM | Abi.O_CLOEXEC, 0);
            if (fd < 0) {
                return -s.errno();
            }
            try {
                long r = (long) SendTo.MH.invokeExact(s.errno, fd, payload, (long) bytes.length, 0, sockaddr, length);
                return r >= 0 ? 0 : -s.errno();
            } finally {
                LinuxSyscalls.close(s, fd);
            }
        } catch (Throwable t) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError("sendto", t);
        }
    }
}
