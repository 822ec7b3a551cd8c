package dev.lifeline.internal.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** Reading inotify's events out of a buffer that read(2) filled. */
final class Inotify {
    /** One event. */
    interface Visitor {
        /** {@code name} is null for an event about the watched inode itself (no name follows). */
        void event(int wd, int mask, int cookie, String name);
    }

    private Inotify() {
    }

    /** Reads every event of an inotify descriptor, until it has none left, into {@code visitor}. */
    static void drain(Scratch s, int fd, MemorySegment buffer, Visitor visitor) {
        long n;
        while ((n = EventCalls.read(s, fd, buffer)) > 0) {
            for (long at = 0; at + Abi.INOTIFY_EVENT_SIZE <= n; ) {
                int wd = buffer.get(ValueLayout.JAVA_INT, at + Abi.INOTIFY_EVENT_WD);
                int mask = buffer.get(ValueLayout.JAVA_INT, at + Abi.INOTIFY_EVENT_MASK);
                int cookie = buffer.get(ValueLayout.JAVA_INT, at + Abi.INOTIFY_EVENT_COOKIE);
                int len = buffer.get(ValueLayout.JAVA_INT, at + Abi.INOTIFY_EVENT_LEN);
                String name = len > 0 ? name(buffer, at + Abi.INOTIFY_EVENT_SIZE, len) : null;
                visitor.event(wd, mask, cookie, name);
                at += Abi.INOTIFY_EVENT_SIZE + Integer.toUnsignedLong(len);
            }
        }
    }

    /**
     * The name, NUL-padded to {@code len}, as the kernel's bytes one char per byte (ISO-8859-1): a
     * name Java cannot decode still matches exactly the key made of its own bytes.
     */
    private static String name(MemorySegment buffer, long offset, int len) {
        int end = 0;
        while (end < len && buffer.get(ValueLayout.JAVA_BYTE, offset + end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end];
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, offset, bytes, 0, end);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
