package dev.lifeline.internal.posix;

import dev.lifeline.internal.HandedOff;
import dev.lifeline.internal.NativePath;

/**
 * A beacon handed to another program: the FIFO's write end, kept to beat for it and to remove the
 * FIFO once it is gone. Concurrency: by one thread at a time.
 */
final class ReleasedFifo implements HandedOff {
    private final Fifos fifos;
    private final NativePath path;
    private int writer;
    private final long dev;
    private final long ino;
    private final boolean guest;

    ReleasedFifo(Fifos fifos, NativePath path, int writer, long dev, long ino, boolean guest) {
        this.fifos = fifos;
        this.path = path;
        this.writer = writer;
        this.dev = dev;
        this.ino = ino;
        this.guest = guest;
    }

    /**
     * The lock is taken on the write end, not by opening a read end, which would make the beacon
     * look alive for a moment after its program ended; and it is held while unlinking, as
     * {@link HeldFifo#close} does, so a holder starting meanwhile never keeps a removed FIFO.
     */
    @Override
    public synchronized boolean removeIfUnheld() {
        if (writer < 0) {
            return false;
        }
        if (guest) {
            forget(); // the FIFO belongs to the readers the beacon joined
            return false;
        }
        Syscalls sys = fifos.sys;
        CallState s = sys.state();
        try {
            return sys.lock(s, writer, true) == 0 && fifos.namesInode(s, path, dev, ino) && sys.unlink(s, path) == 0;
        } finally {
            forget();
        }
    }

    /** The same signed times as {@link HeldFifo#beat}, through the write end (times belong to the inode). */
    @Override
    public synchronized int beat(long nowMillis, long deadlineMillis) {
        if (writer < 0) {
            return -Errno.EBADF;
        }
        return Promise.write(fifos.sys, fifos.sys.state(), writer, nowMillis, deadlineMillis);
    }

    @Override
    public synchronized void forget() {
        if (writer >= 0) {
            fifos.closeFifo(fifos.sys.state(), writer, dev, ino);
            writer = -1;
        }
    }
}
