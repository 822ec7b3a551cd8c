package dev.lifeline.internal.posix;

import dev.lifeline.internal.HoldException;
import dev.lifeline.internal.HoldException.Reason;
import dev.lifeline.internal.NativePath;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The holder's side of the FIFO protocol: create the FIFO or take over a stale one, open it for
 * reading and lock it, shared or exclusive. Refuses, leaving the path untouched, anything but a
 * FIFO owned by the effective user, and a symbolic link.
 *
 * <p>The race with a holder that is closing: a closing holder removes the FIFO while it still
 * holds its lock exclusively (see {@link HeldFifo#close}). So whoever gets a lock and then finds
 * that the path still names the inode it locked knows that no closing holder can remove it any
 * more; whoever finds otherwise starts again, on a new FIFO.
 */
final class FifoHold {
    /** How long a new holder waits for a closing one to finish removing the FIFO it takes over. */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    static {
        // Load now what reporting a failure needs: with the descriptor table full (EMFILE) a class
        // could no longer be read from a jar, and the report would be a NoClassDefFoundError.
        errnoFailure(null, "open", Errno.EMFILE);
    }

    private final Fifos fifos;
    private final Syscalls sys;
    private final FifoPlacement placement;

    FifoHold(Fifos fifos) {
        this.fifos = fifos;
        this.sys = fifos.sys;
        this.placement = new FifoPlacement(fifos);
    }

    HeldFifo hold(NativePath path, int mode, boolean exclusive) throws HoldException {
        CallState s = sys.state();
        int uid = sys.geteuid();
        long[] settleDeadline = {0};
        for (int attempt = 0; ; attempt++) {
            if (attempt > 1000) {
                throw failure(path, Reason.OTHER, null, "the path kept changing under us; gave up after 1000 attempts");
            }
            boolean created = false;
            boolean stale = false;
            boolean readers = false;
            long createdDev = -1;
            long createdIno = -1;
            int r = sys.stat(s, path, false);
            if (r == -Errno.ENOENT) {
                HeldFifo born = placement.createHeld(s, path, mode, exclusive);
                if (born == FifoPlacement.TAKEN_MEANWHILE) {
                    continue; // another holder placed its FIFO first: look again
                }
                if (born != null) {
                    return born;
                }
                // The plain way, only where the held creation cannot work at all.
                r = sys.mkfifo(s, path, mode);
                if (r == -Errno.EEXIST) {
                    continue; // another holder created it first: look again
                }
                if (r < 0) {
                    throw errnoFailure(path, "mkfifo", -r);
                }
                created = true;
                if (sys.stat(s, path, false) == 0) {
                    createdDev = s.dev();
                    createdIno = s.ino();
                }
            } else if (r < 0) {
                throw errnoFailure(path, "statx", -r);
            } else {
                refuseUnlessOwnFifo(path, s, uid);
                long staleDev = s.dev();
                long staleIno = s.ino();
                // A FIFO nobody reads is a crashed holder's: its times may still carry that
                // holder's promise, which would make us read HUNG until our first beat.
                int probe = sys.openWriter(s, path, true);
                stale = probe == -Errno.ENXIO;
                readers = probe >= 0;
                if (probe >= 0) {
                    fifos.closeFifo(s, probe, staleDev, staleIno);
                }
                if (stale) {
                    HeldFifo taken = placement.takeOverStale(s, path, mode, exclusive, uid, staleDev, staleIno);
                    if (taken == FifoPlacement.TAKEN_MEANWHILE) {
                        continue;
                    }
                    if (taken != null) {
                        return taken;
                    }
                    // It cannot be done so here (the directory is not ours to write, no
                    // RENAME_EXCHANGE, a name too long for the temporary): taken over in place.
                }
            }
            try {
                HeldFifo held = openAndLock(s, path, mode, exclusive, uid, created, stale, readers, settleDeadline);
                if (held != null) {
                    return held;
                }
            } catch (HoldException | RuntimeException e) {
                // A FIFO made by this call and not held must not stay behind: probes would report
                // DEAD for a daemon that never started. But it may be held by now: made here, then
                // opened and locked by another holder before this call got to it (this call then
                // failed with HELD). So it is removed only under its lock.
                if (created && createdIno != -1) {
                    placement.removeIfUnheld(s, path, createdDev, createdIno);
                }
                throw e;
            }
        }
    }

    /**
     * The second half of {@link #hold}: open, verify, lock, and check the path still names what
     * was locked. Null means "start again".
     */
    private HeldFifo openAndLock(CallState s, NativePath path, int mode, boolean exclusive, int uid,
            boolean created, boolean stale, boolean readers, long[] settleDeadline) throws HoldException {
        int fd = sys.openReader(s, path);
        if (fd == -Errno.ENOENT) {
            return null; // removed between the look and the open: start again
        }
        if (fd == -Errno.ELOOP) {
            throw failure(path, Reason.SYMLINK, "ELOOP", "is a symbolic link; a beacon path must name the FIFO itself");
        }
        if (fd < 0) {
            throw errnoFailure(path, "open", -fd);
        }
        // Closed once, in the finally block, on every way out but success: closing twice could
        // close a descriptor number another thread has been given meanwhile (its beacon!).
        long fdDev = -1;
        long fdIno = -1;
        try {
            int r = sys.fstat(s, fd);
            if (r < 0) {
                throw errnoFailure(path, "statx", -r);
            }
            // The path may have been replaced between the look and the open.
            refuseUnlessOwnFifo(path, s, uid);
            long dev = s.dev();
            long ino = s.ino();
            fdDev = dev;
            fdIno = ino;
            int perms = s.mode() & 07777;

            // A stale FIFO taken over in place (only where it could not be replaced): its times may
            // still carry the crashed holder's promise, which would make us read HUNG until our
            // first beat. They are reset through this descriptor, verified above as our own FIFO,
            // and only by a holder alone on it: under the exclusive lock, which even a shared
            // holder takes first for this (and gives up for the shared one right after). Whoever
            // finds the lock taken leaves the times alone: they are another live holder's, whose
            // promise must not be erased. Between our open and the reset, a probe may still read
            // the crashed holder's expired promise, as HUNG (never ALIVE).
            boolean reset = stale && !created;
            r = sys.lock(s, fd, exclusive || reset);
            if (r == -Errno.EWOULDBLOCK && reset && !exclusive) {
                reset = false; // another holder came first: the times are its own
                r = sys.lock(s, fd, false);
            }
            if (r == -Errno.EWOULDBLOCK) {
                if (!fifos.namesInode(s, path, dev, ino)) {
                    return null; // a closing holder removed it: start again on a new FIFO
                }
                // Either a live exclusive holder, or a closing one about to remove the FIFO: give
                // the latter a moment, bounded, then say who holds it.
                long now = System.nanoTime();
                if (settleDeadline[0] == 0) {
                    settleDeadline[0] = now + SETTLE_NANOS;
                }
                if (now - settleDeadline[0] < 0) {
                    Thread.onSpinWait();
                    LockSupport.parkNanos(50_000);
                    return null;
                }
                throw failure(path, Reason.HELD, "EWOULDBLOCK", exclusive
                        ? "is held by a live process; exclusive mode admits one holder"
                        : "is held exclusively by a live process");
            }
            if (r < 0) {
                throw errnoFailure(path, "flock", -r);
            }
            if (!fifos.namesInode(s, path, dev, ino)) {
                return null; // the holder we locked after removed the FIFO before it let go
            }
            if (reset) {
                // Best effort, as it always was: on a read-only file system (EROFS, the one failure
                // possible on a FIFO we own) the times stay, and so would any promise, which then
                // reads HUNG: true enough where nobody can beat.
                sys.touch(s, fd);
                if (!exclusive) {
                    // A downgrade never waits: nobody else can hold a lock while we hold it exclusively.
                    r = sys.lock(s, fd, false);
                    if (r < 0) {
                        throw errnoFailure(path, "flock", -r);
                    }
                }
            }
            // mkfifo honours the umask; the mode asked for is the mode the FIFO gets.
            if ((created || exclusive) && perms != mode) {
                r = sys.fchmod(s, fd, mode);
                if (r < 0) {
                    throw errnoFailure(path, "fchmod", -r);
                }
            }
            // Joining readers that no lifeline holder is among (s6-supervise on its control FIFO,
            // a program reading the FIFO for its own reasons) makes this beacon a guest: the FIFO
            // is theirs, and its close must leave it in place, for no lock can tell this holder
            // that it is the last reader.
            boolean guest = readers && !lifelineHolderPresent(s, fd);
            int held = fd;
            fd = -1;
            return new HeldFifo(fifos, path, held, dev, ino, exclusive, guest);
        } finally {
            if (fd >= 0) {
                fifos.closeFifo(s, fd, fdDev, fdIno);
            }
        }
    }

    /**
     * Whether a lifeline holder, in this process or another, holds the FIFO open on {@code fd}:
     * each announces its open file with a lock that a program it spawns inherits with the
     * descriptor, and that the kernel reports whoever holds it. A holder between its flock and
     * that lock reads as absent: the joining beacon then merely keeps the FIFO at its close, which
     * that holder removes at its own.
     */
    private boolean lifelineHolderPresent(CallState s, int fd) {
        return sys.openFileAnnounced(s, fd) != 0; // 1, or an error: assume one
    }

    void refuseUnlessOwnFifo(NativePath path, CallState s, int uid) throws HoldException {
        if (s.isSymbolicLink()) {
            throw failure(path, Reason.SYMLINK, null, "is a symbolic link; a beacon path must name the FIFO itself");
        }
        if (!s.isFifo()) {
            throw failure(path, Reason.NOT_A_FIFO, null,
                    "is " + dev.lifeline.internal.Outcome.describeType(s.fileType()) + ", not a FIFO; left untouched");
        }
        int owner = s.uid();
        if (owner != uid) {
            throw failure(path, Reason.NOT_OWNER, null,
                    "is a FIFO owned by uid " + Integer.toUnsignedString(owner) + ", not by uid "
                            + Integer.toUnsignedString(uid) + "; left untouched");
        }
    }

    static HoldException errnoFailure(NativePath path, String call, int errno) {
        if (errno == Errno.ENOENT) {
            return failure(path, Reason.NO_SUCH_DIRECTORY, Errno.name(errno), missingDirectory(path.path(), call));
        }
        return new HoldException(path == null ? null : path.path(), Reason.ERRNO, errno, Errno.name(errno),
                call + ": " + Errno.describe(errno));
    }

    /**
     * What to tell a holder whose path's directory is missing: which directory, and what to do.
     * "mkfifo: No such file or directory" named neither.
     */
    private static String missingDirectory(Path path, String call) {
        Path missing = path.toAbsolutePath().getParent();
        // The first ancestor that is missing: creating it is the first step.
        while (missing != null && missing.getParent() != null
                && !Files.exists(missing.getParent(), LinkOption.NOFOLLOW_LINKS)) {
            missing = missing.getParent();
        }
        String directory = missing == null ? "its directory" : "the directory " + missing;
        return call + ": " + directory + " does not exist (" + Errno.describe(Errno.ENOENT)
                + "); create it first (mkdir -m 0755, or RuntimeDirectory= in a systemd unit), or choose another path";
    }

    static HoldException failure(NativePath path, Reason reason, String errnoName, String detail) {
        return new HoldException(path.path(), reason, 0, errnoName, detail);
    }
}
