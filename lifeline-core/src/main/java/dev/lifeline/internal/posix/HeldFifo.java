package dev.lifeline.internal.posix;

import dev.lifeline.internal.HandedOff;
import dev.lifeline.internal.HeldBeacon;
import dev.lifeline.internal.NativePath;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A held beacon: the open read descriptor and the identity of the inode it opened.
 *
 * <p>Concurrency: {@link #close} may be called from any thread, any number of times; only the
 * first does anything.
 */
final class HeldFifo implements HeldBeacon {
    private final Fifos fifos;
    private final NativePath path;
    private final int fd;
    private final long dev;
    private final long ino;
    private final boolean exclusive;
    /** Joined a FIFO read by others that are not lifeline holders: never removes it. */
    private final boolean guest;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Holds nothing and is never registered: {@link FifoPlacement#TAKEN_MEANWHILE}. */
    private HeldFifo() {
        this.fifos = null;
        this.path = null;
        this.fd = -1;
        this.dev = -1;
        this.ino = -1;
        this.exclusive = false;
        this.guest = true;
        closed.set(true);
    }

    static HeldFifo none() {
        return new HeldFifo();
    }

    HeldFifo(Fifos fifos, NativePath path, int fd, long dev, long ino, boolean exclusive, boolean guest) {
        this.fifos = fifos;
        this.path = path;
        this.fd = fd;
        this.dev = dev;
        this.ino = ino;
        this.exclusive = exclusive;
        this.guest = guest;
        // Announces this process as the holder to F_GETLK (holderPid), and this open file as a
        // lifeline holder's to beacons that join (the guest rule); best effort. A guest announces
        // neither: a beacon joining after it must see the foreign readers as unaccompanied, and
        // be a guest too.
        if (!guest) {
            CallState s = fifos.sys.state();
            fifos.sys.announceProcess(s, fd);
            // And to joiners, for as long as this open file lives: in a spawned program too.
            fifos.sys.announceOpenFile(s, fd);
        }
        fifos.register(this);
    }

    boolean is(long dev, long ino) {
        return this.ino == ino && this.dev == dev;
    }

    synchronized void relock(CallState s) {
        if (!closed.get() && !guest) {
            fifos.sys.announceProcess(s, fd);
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    @Override
    public int descriptor() {
        return fd;
    }

    /**
     * Opens the FIFO's write end (which makes nobody a holder), then closes this read end, so that
     * the beacon lives exactly as long as the program that inherited the descriptor. The write end
     * is what {@link ReleasedFifo#removeIfUnheld} later locks to remove the FIFO safely.
     */
    @Override
    public synchronized HandedOff release() {
        if (closed.get()) {
            throw new IllegalStateException("beacon closed: " + path);
        }
        Syscalls sys = fifos.sys;
        CallState s = sys.state();
        int writer = sys.openWriter(s, path, false);
        if (writer < 0) {
            return null;
        }
        if (sys.fstat(s, writer) < 0 || !s.is(dev, ino)) {
            fifos.closeFifo(s, writer, s.dev(), s.ino()); // another FIFO by now: nothing safe to keep
            writer = -1;
        }
        closed.set(true);
        fifos.unregister(this);
        fifos.closeFifo(s, fd, dev, ino); // other holders of this inode in this process keep their lock
        return new ReleasedFifo(fifos, path, writer, dev, ino, guest);
    }

    @Override
    public synchronized int beat(long nowMillis, long deadlineMillis) {
        if (closed.get()) {
            throw new IllegalStateException("beacon closed: " + path);
        }
        return Promise.write(fifos.sys, fifos.sys.state(), fd, nowMillis, deadlineMillis);
    }

    /**
     * Removes the FIFO if we are its last holder and the path still names our inode, then closes
     * the descriptor. Returns false if the FIFO was left in place: asked to, kept for another
     * holder, or replaced or removed by someone else.
     */
    @Override
    public synchronized boolean close(boolean remove) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        Syscalls sys = fifos.sys;
        CallState s = sys.state();
        boolean removed = false;
        try {
            if (!remove || guest) {
                return false;
            }
            // Holding the lock exclusively while unlinking is what makes a new holder that locks
            // after us see that the path no longer names this inode. A shared holder upgrades: if
            // that fails, others still hold the FIFO and it must stay.
            boolean last = exclusive || sys.lock(s, fd, true) == 0;
            if (last && fifos.namesInode(s, path, dev, ino)) {
                // Between this check and the unlink only a third party that removes and recreates
                // the path by hand could intervene; no lifeline holder does.
                removed = sys.unlink(s, path) == 0;
            }
        } finally {
            fifos.unregister(this);
            fifos.closeFifo(s, fd, dev, ino); // other holders of this inode in this process keep their lock
        }
        return removed;
    }
}
