package dev.lifeline.internal.posix;

import dev.lifeline.internal.NativePath;
import java.util.Arrays;

/**
 * The system calls of one backend, with the registry of the beacons this process holds, through
 * which every close of a FIFO descriptor goes.
 *
 * <p>Why the registry: each holder also takes a POSIX read lock on its FIFO, which F_GETLK reports
 * with the holder's pid. The catch: a process drops all its POSIX locks on a file when it closes
 * any descriptor of that file, so a probe in a process that holds the same beacon would silently
 * take its pid away. Every close of a FIFO descriptor made here therefore goes through
 * {@link #closeFifo}, which takes the lock again for any beacon this process holds on that inode.
 * The registry is copy-on-write and, in a process holding nothing, empty: the common case costs
 * one volatile read.
 */
public final class Fifos {
    final Syscalls sys;
    private volatile HeldFifo[] holders = new HeldFifo[0];

    public Fifos(Syscalls sys) {
        this.sys = sys;
    }

    public Syscalls syscalls() {
        return sys;
    }

    /** Closes a FIFO descriptor and restores the POSIX locks this process's holders had on it. */
    public void closeFifo(CallState s, int fd, long dev, long ino) {
        sys.close(s, fd);
        for (HeldFifo h : holders) {
            if (h.is(dev, ino)) {
                h.relock(s);
            }
        }
    }

    /** As {@link #closeFifo(CallState, int, long, long)}, for a descriptor whose inode is not known yet. */
    public void closeFifo(CallState s, int fd) {
        if (sys.fstat(s, fd) == 0) {
            closeFifo(s, fd, s.dev(), s.ino());
        } else {
            sys.close(s, fd);
        }
    }

    /** Whether a beacon of this process holds the inode. */
    boolean heldHere(long dev, long ino) {
        for (HeldFifo h : holders) {
            if (h.is(dev, ino)) {
                return true;
            }
        }
        return false;
    }

    synchronized void register(HeldFifo h) {
        HeldFifo[] next = Arrays.copyOf(holders, holders.length + 1);
        next[next.length - 1] = h;
        holders = next;
    }

    synchronized void unregister(HeldFifo h) {
        holders = Arrays.stream(holders).filter(x -> x != h).toArray(HeldFifo[]::new);
    }

    /** Whether {@code path}, not following a final symbolic link, names this very inode. */
    boolean namesInode(CallState s, NativePath path, long dev, long ino) {
        return sys.stat(s, path, false) == 0 && s.is(dev, ino);
    }
}
