package dev.lifeline.internal.linux;

import dev.lifeline.internal.posix.CallState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Reading inotify's events out of a buffer that read(2) filled. */
final class Inotify {
    /** Room for many events at once (each is 16 bytes and a NUL-padded name). */
    static final int BUFFER_SIZE = 64 * 1024;

    /** One event. */
    interface Visitor {
        /** {@code name} is null for an event about the watched inode itself (no name follows). */
        void event(int wd, int mask, int cookie, String name);
    }

    private Inotify() {
    }

    /** Reads every event of an inotify descriptor, until it has none left, into {@code visitor}. */
    static void drain(LinuxCalls calls, CallState s, int fd, ByteBuffer buffer, Visitor visitor) {
        long n;
        while ((n = calls.read(s, fd, buffer)) > 0) {
            for (int at = 0; at + Abi.INOTIFY_EVENT_SIZE <= n; ) {
                int wd = buffer.getInt(at + Abi.INOTIFY_EVENT_WD);
                int mask = buffer.getInt(at + Abi.INOTIFY_EVENT_MASK);
                int cookie = buffer.getInt(at + Abi.INOTIFY_EVENT_COOKIE);
                int len = buffer.getInt(at + Abi.INOTIFY_EVENT_LEN);
                String name = len > 0 ? name(buffer, at + Abi.INOTIFY_EVENT_SIZE, len) : null;
                visitor.event(wd, mask, cookie, name);
                at += Abi.INOTIFY_EVENT_SIZE + len;
            }
        }
    }

    /**
     * The name, NUL-padded to {@code len}, as the kernel's bytes one char per byte (ISO-8859-1): a
     * name Java cannot decode still matches exactly the key made of its own bytes.
     */
    private static String name(ByteBuffer buffer, int offset, int len) {
        int end = 0;
        while (end < len && buffer.get(offset + end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end];
        for (int i = 0; i < end; i++) {
            bytes[i] = buffer.get(offset + i);
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
