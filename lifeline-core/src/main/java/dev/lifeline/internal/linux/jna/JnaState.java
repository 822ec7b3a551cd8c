package dev.lifeline.internal.linux.jna;

import dev.lifeline.internal.linux.Abi;
import dev.lifeline.internal.posix.CallState;

/**
 * One thread's native memory for its calls: a struct statx, two timespecs, a struct flock, in one
 * {@link Block}. Per thread, never shared, like errno, which JNA keeps per thread.
 */
final class JnaState extends CallState {
    private static final ThreadLocal<JnaState> STATE = ThreadLocal.withInitial(JnaState::new);

    static final int STATX = 0;
    static final int TIMES = STATX + Abi.STATX_SIZE;
    static final int FLOCK = TIMES + Abi.TIMESPEC_PAIR_SIZE;
    private static final int SIZE = FLOCK + Abi.FLOCK_SIZE;

    final Block block = new Block(SIZE);

    private JnaState() {
    }

    static JnaState get() {
        return STATE.get();
    }

    long statx() {
        return block.address + STATX;
    }

    long times() {
        return block.address + TIMES;
    }

    long flock() {
        return block.address + FLOCK;
    }

    @Override
    public int mode() {
        return Short.toUnsignedInt(block.buffer.getShort(STATX + Abi.STX_MODE));
    }

    @Override
    public int uid() {
        return block.buffer.getInt(STATX + Abi.STX_UID);
    }

    @Override
    public long ino() {
        return block.buffer.getLong(STATX + Abi.STX_INO);
    }

    @Override
    public long nlink() {
        return Integer.toUnsignedLong(block.buffer.getInt(STATX + Abi.STX_NLINK));
    }

    @Override
    public long dev() {
        long major = Integer.toUnsignedLong(block.buffer.getInt(STATX + Abi.STX_DEV_MAJOR));
        long minor = Integer.toUnsignedLong(block.buffer.getInt(STATX + Abi.STX_DEV_MINOR));
        return major << 32 | minor;
    }

    @Override
    public long atimeSeconds() {
        return block.buffer.getLong(STATX + Abi.STX_ATIME + Abi.STATX_TIMESTAMP_SEC);
    }

    @Override
    public int atimeNanos() {
        return block.buffer.getInt(STATX + Abi.STX_ATIME + Abi.STATX_TIMESTAMP_NSEC);
    }

    @Override
    public long mtimeSeconds() {
        return block.buffer.getLong(STATX + Abi.STX_MTIME + Abi.STATX_TIMESTAMP_SEC);
    }

    @Override
    public int mtimeNanos() {
        return block.buffer.getInt(STATX + Abi.STX_MTIME + Abi.STATX_TIMESTAMP_NSEC);
    }
}
