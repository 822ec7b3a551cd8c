package dev.lifeline.internal.posix;

/**
 * One thread's state for its system calls: what the last stat call found. Each backend keeps it
 * where its calls write (native memory for FFM) and reads the fields from there on demand.
 */
public abstract class CallState {
    static final int S_IFMT = 0xF000;
    static final int S_IFIFO = 0x1000;
    static final int S_IFLNK = 0xA000;

    /** st_mode: type and permissions. */
    public abstract int mode();

    public abstract int uid();

    /** The device, as one number (major and minor). */
    public abstract long dev();

    public abstract long ino();

    public abstract long nlink();

    public abstract long atimeSeconds();

    public abstract int atimeNanos();

    public abstract long mtimeSeconds();

    public abstract int mtimeNanos();

    final boolean isFifo() {
        return (mode() & S_IFMT) == S_IFIFO;
    }

    final boolean isSymbolicLink() {
        return (mode() & S_IFMT) == S_IFLNK;
    }

    /** The file type as {@code (st_mode & S_IFMT) >> 12}. */
    final int fileType() {
        return (mode() & S_IFMT) >>> 12;
    }

    /** Whether the last stat found this very inode. */
    final boolean is(long dev, long ino) {
        return dev() == dev && ino() == ino;
    }
}
