package dev.lifeline.internal.posix;

import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.Outcome;

/** The checker's side of the FIFO protocol: is the FIFO held, and by whom. Allocates nothing. */
final class FifoProbe {
    private final Fifos fifos;
    private final Syscalls sys;

    FifoProbe(Fifos fifos) {
        this.fifos = fifos;
        this.sys = fifos.sys;
    }

    /**
     * Asks whether a reader holds the FIFO at {@code path}: ALIVE (maybe with a promise), DEAD,
     * ABSENT, NOT_A_FIFO, or FAILED for anything that is no answer. Follows symbolic links, as
     * s6-svok does.
     */
    void probe(NativePath path, Outcome out) {
        CallState s = sys.state();
        // Non-blocking: without it open would wait for a reader. Close-on-exec: a child forked by
        // another thread meanwhile must not inherit the descriptor. No controlling terminal: a
        // terminal at the path must not become ours.
        int fd = sys.openWriter(s, path, false);
        if (fd >= 0) {
            // A regular file, a directory's sibling or a device opens for writing just as well:
            // only the type of what was opened can say ALIVE.
            int r = sys.fstat(s, fd);
            if (r < 0) {
                sys.close(s, fd);
                out.failed(-r);
                return;
            }
            fifos.closeFifo(s, fd, s.dev(), s.ino());
            if (s.isFifo()) {
                Promise.judge(s, out);
            } else {
                out.notAFifo(s.fileType());
            }
            return;
        }
        if (fd == -Errno.ENOENT) {
            out.verdict(Outcome.ABSENT);
            return;
        }
        if (fd != -Errno.ENXIO) {
            out.failed(-fd);
            return;
        }
        // ENXIO is also the answer for a Unix socket and for a device without a driver: only a
        // FIFO makes it mean DEAD. This stat is paid on the dead path alone.
        int r = sys.stat(s, path, true);
        if (r == -Errno.ENOENT) {
            out.verdict(Outcome.ABSENT); // removed since the open: it was dead, and now it is gone
        } else if (r < 0) {
            out.failed(-r);
        } else if (s.isFifo()) {
            out.verdict(Outcome.DEAD);
        } else {
            out.notAFifo(s.fileType());
        }
    }

    /**
     * The pid of a process holding the FIFO at {@code path}, from the POSIX read lock that
     * lifeline holders take; 0 when none is known (nobody holds it, or the holder is another
     * program, or a program that inherited the beacon, since POSIX locks are not inherited);
     * minus errno if the FIFO cannot be opened.
     */
    int holderPid(NativePath path) {
        CallState s = sys.state();
        int fd = sys.openWriter(s, path, false);
        if (fd < 0) {
            return fd;
        }
        if (sys.fstat(s, fd) < 0 || !s.isFifo()) {
            sys.close(s, fd);
            return 0;
        }
        long dev = s.dev();
        long ino = s.ino();
        // F_GETLK never reports the asking process's own locks: ask the registry for those.
        if (fifos.heldHere(dev, ino)) {
            fifos.closeFifo(s, fd, dev, ino);
            return (int) ProcessHandle.current().pid();
        }
        int pid = sys.lockHolderPid(s, fd);
        fifos.closeFifo(s, fd, dev, ino);
        return pid;
    }
}
