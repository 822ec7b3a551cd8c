package dev.lifeline.internal.linux.jdk;

import dev.lifeline.internal.posix.CallState;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * One thread's state for the calls {@link JdkCalls} makes itself: the JDK's attributes object,
 * which its fstat and stat fill, and what the last of them found, read out once per call.
 */
final class JdkState extends CallState {
    private static final ThreadLocal<JdkState> STATE = ThreadLocal.withInitial(JdkState::new);
    /**
     * Seconds within which the JDK gives a file time to the nanosecond: it counts nanoseconds in a
     * long, and beyond about 292 years from 1970 only microseconds.
     */
    private static final long EXACT_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;

    /** The JDK's {@code UnixFileAttributes}, filled in place by each stat. */
    final Object attributes = UnixDispatcher.newInstance(UnixDispatcher.NEW_ATTRIBUTES);
    private int mode;
    private int uid;
    private long dev;
    private long ino;
    private long nlink;
    private long atimeSeconds;
    private int atimeNanos;
    private long mtimeSeconds;
    private int mtimeNanos;

    private JdkState() {
    }

    static JdkState get() {
        return STATE.get();
    }

    /** Reads what the stat call that just succeeded put into {@link #attributes}. */
    void read() {
        mode = (Integer) UnixDispatcher.get(UnixDispatcher.MODE, attributes);
        uid = (Integer) UnixDispatcher.get(UnixDispatcher.UID, attributes);
        dev = (Long) UnixDispatcher.get(UnixDispatcher.DEV, attributes);
        ino = (Long) UnixDispatcher.get(UnixDispatcher.INO, attributes);
        nlink = Integer.toUnsignedLong((Integer) UnixDispatcher.get(UnixDispatcher.NLINK, attributes));
        BasicFileAttributes times = (BasicFileAttributes) attributes;
        Instant atime = exact(times.lastAccessTime());
        Instant mtime = exact(times.lastModifiedTime());
        if (atime != null && mtime != null) {
            atimeSeconds = atime.getEpochSecond();
            atimeNanos = atime.getNano();
            mtimeSeconds = mtime.getEpochSecond();
            mtimeNanos = mtime.getNano();
        } else {
            // Beyond the JDK's nanosecond range: the raw fields, through a slower field accessor.
            atimeSeconds = UnixDispatcher.get(UnixDispatcher.ATIME_SEC, attributes);
            atimeNanos = (int) UnixDispatcher.get(UnixDispatcher.ATIME_NSEC, attributes);
            mtimeSeconds = UnixDispatcher.get(UnixDispatcher.MTIME_SEC, attributes);
            mtimeNanos = (int) UnixDispatcher.get(UnixDispatcher.MTIME_NSEC, attributes);
        }
    }

    /** The time to the nanosecond, or null where the JDK may have kept only microseconds. */
    private static Instant exact(FileTime time) {
        Instant instant = time.toInstant();
        long seconds = instant.getEpochSecond();
        return seconds > -EXACT_SECONDS && seconds < EXACT_SECONDS ? instant : null;
    }

    @Override
    public int mode() {
        return mode;
    }

    @Override
    public int uid() {
        return uid;
    }

    @Override
    public long dev() {
        return dev;
    }

    @Override
    public long ino() {
        return ino;
    }

    @Override
    public long nlink() {
        return nlink;
    }

    @Override
    public long atimeSeconds() {
        return atimeSeconds;
    }

    @Override
    public int atimeNanos() {
        return atimeNanos;
    }

    @Override
    public long mtimeSeconds() {
        return mtimeSeconds;
    }

    @Override
    public int mtimeNanos() {
        return mtimeNanos;
    }
}
