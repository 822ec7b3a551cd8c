package dev.lifeline.internal.linux.ffm;

import dev.lifeline.internal.linux.Abi;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.lifeline.internal.posix.CallState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's native memory for its calls: the errno capture, a struct statx, two timespecs, a
 * struct flock. Per thread, never shared: errno read from memory another thread also writes could
 * be some other call's.
 */
final class Scratch extends CallState {
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    final MemorySegment errno;
    final MemorySegment statx;
    final MemorySegment times;
    final MemorySegment flock;

    private Scratch() {
        // Freed by the garbage collector once the thread, and so this object, is gone.
        Arena arena = Arena.ofAuto();
        this.errno = arena.allocate(Downcalls.CAPTURE);
        this.statx = arena.allocate(Abi.STATX_SIZE, 8);
        this.times = arena.allocate(Abi.TIMESPEC_PAIR_SIZE, 8);
        this.flock = arena.allocate(Abi.FLOCK_SIZE, 8);
    }

    /** This thread's scratch; every call into the C library starts here, so access is checked here. */
    static Scratch get() {
        NativeAccess.require();
        return SCRATCH.get();
    }

    int errno() {
        return Downcalls.errno(errno);
    }

    @Override
    public int mode() {
        return Short.toUnsignedInt(statx.get(JAVA_SHORT, Abi.STX_MODE));
    }

    @Override
    public int uid() {
        return statx.get(JAVA_INT, Abi.STX_UID);
    }

    @Override
    public long ino() {
        return statx.get(JAVA_LONG, Abi.STX_INO);
    }

    @Override
    public long nlink() {
        return Integer.toUnsignedLong(statx.get(JAVA_INT, Abi.STX_NLINK));
    }

    @Override
    public long dev() {
        long major = Integer.toUnsignedLong(statx.get(JAVA_INT, Abi.STX_DEV_MAJOR));
        long minor = Integer.toUnsignedLong(statx.get(JAVA_INT, Abi.STX_DEV_MINOR));
        return major << 32 | minor;
    }

    @Override
    public long atimeSeconds() {
        return statx.get(JAVA_LONG, Abi.STX_ATIME + Abi.STATX_TIMESTAMP_SEC);
    }

    @Override
    public int atimeNanos() {
        return statx.get(JAVA_INT, Abi.STX_ATIME + Abi.STATX_TIMESTAMP_NSEC);
    }

    @Override
    public long mtimeSeconds() {
        return statx.get(JAVA_LONG, Abi.STX_MTIME + Abi.STATX_TIMESTAMP_SEC);
    }

    @Override
    public int mtimeNanos() {
        return statx.get(JAVA_INT, Abi.STX_MTIME + Abi.STATX_TIMESTAMP_NSEC);
    }
}
