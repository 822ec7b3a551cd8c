package dev.lifeline.internal.linux;

import static dev.lifeline.internal.linux.Abi.AF_UNIX;
import static dev.lifeline.internal.linux.Abi.SOCK_DGRAM;
import static dev.lifeline.internal.linux.Abi.SUN_PATH;
import static dev.lifeline.internal.linux.Abi.SUN_PATH_MAX;

import dev.lifeline.internal.posix.CallState;
import dev.lifeline.internal.posix.Errno;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Sending one datagram to a Unix socket, as systemd's sd_notify does: the JDK's DatagramChannel
 * speaks no AF_UNIX (the Unix-domain channels of Java 16 are stream sockets only).
 *
 * <p>An address starting with {@code @} is in the abstract namespace (the {@code @} becomes a
 * NUL byte and no terminator follows), as systemd hands out in {@code NOTIFY_SOCKET}.
 */
final class Datagram {
    private Datagram() {
    }

    /**
     * Sends {@code message} to the datagram socket at {@code address}: 0, or minus errno. A new
     * socket per message: notifications are rare, and nothing is left open between them.
     */
    static int send(LinuxCalls calls, String address, String message) {
        byte[] path = address.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = path.length > 0 && path[0] == '@';
        if (path.length == 0 || path.length >= SUN_PATH_MAX) {
            return -Errno.EINVAL;
        }
        ByteBuffer sockaddr = calls.allocate(SUN_PATH + SUN_PATH_MAX);
        sockaddr.putShort(0, (short) AF_UNIX);
        sockaddr.put(SUN_PATH, path); // absolute bulk put
        int length = SUN_PATH + path.length + 1; // with the terminator (the buffer is zeroed)
        if (abstractName) {
            sockaddr.put(SUN_PATH, (byte) 0);
            length = SUN_PATH + path.length; // the name is the bytes, no terminator
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = calls.allocate(Math.max(1, bytes.length));
        payload.put(0, bytes);
        CallState s = calls.state();
        int fd = calls.socket(s, AF_UNIX, SOCK_DGRAM | Abi.O_CLOEXEC, 0);
        if (fd < 0) {
            return fd;
        }
        try {
            long r = calls.sendto(s, fd, payload, bytes.length, sockaddr, length);
            return r >= 0 ? 0 : (int) r;
        } finally {
            calls.close(s, fd);
        }
    }
}
