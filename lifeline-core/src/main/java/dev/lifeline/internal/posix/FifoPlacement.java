package dev.lifeline.internal.posix;

import dev.lifeline.internal.HoldException;
import dev.lifeline.internal.HoldException.Reason;
import dev.lifeline.internal.NativePath;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Putting a held FIFO at a path without the probes ever seeing it unheld or carrying a crashed
 * holder's promise: a new one is created under a temporary name and renamed into place; a stale
 * one is swapped out, reset and swapped back. Part of {@link FifoHold}.
 */
final class FifoPlacement {
    /** What {@link #createHeld} and {@link #takeOverStale} return when the path changed meanwhile: look again. */
    static final HeldFifo TAKEN_MEANWHILE = HeldFifo.none();

    private final Fifos fifos;
    private final Syscalls sys;

    FifoPlacement(Fifos fifos) {
        this.fifos = fifos;
        this.sys = fifos.sys;
    }

    /** A name beside {@code path} that nobody else knows, or null if none can be made. */
    private static NativePath staging(NativePath path, String suffix) {
        Path target = path.path();
        Path name = target.getFileName();
        if (name == null) {
            return null;
        }
        // The name's string may have lost bytes Java could not decode (U+FFFD): any name will do
        // for the temporary, as long as the file name charset can encode it. Its directory keeps
        // the target's exact bytes (NativePath.of).
        String temporary = "." + name.toString().replace('\uFFFD', '_') + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + suffix;
        try {
            return NativePath.of(target.resolveSibling(temporary));
        } catch (RuntimeException unusable) {
            return null;
        }
    }

    /**
     * Creates the beacon already held: mkfifo under a temporary name beside it, open, lock, then
     * rename into place with RENAME_NOREPLACE. Probes thus never see a new beacon that nobody holds
     * yet, which they would rightly call DEAD; and the rename never replaces anything that
     * appeared at the path meanwhile.
     *
     * <p>Returns {@link #TAKEN_MEANWHILE} when something appeared at the path first, and null only
     * where this way cannot work at all: a temporary name too long for the file system, or one
     * without RENAME_NOREPLACE. Every other failure is the beacon's own and is thrown as such.
     * Falling back to the plain way for those would be wrong, not just slower: the plain way
     * creates the FIFO at the path before it holds it, so another holder can take it in between.
     */
    HeldFifo createHeld(CallState s, NativePath path, int mode, boolean exclusive) throws HoldException {
        NativePath staging = staging(path, ".lifeline-new");
        if (staging == null) {
            return null;
        }
        int r = sys.mkfifo(s, staging, mode);
        if (r == -Errno.ENAMETOOLONG) {
            return null; // the beacon's own name may still fit: the plain way will tell
        }
        if (r == -Errno.EEXIST) {
            return TAKEN_MEANWHILE; // a random name taken: as unlikely as it is harmless to retry
        }
        if (r < 0) {
            throw FifoHold.errnoFailure(path, "mkfifo", -r);
        }
        int fd = sys.openReader(s, staging);
        if (fd < 0) {
            sys.unlink(s, staging);
            throw FifoHold.errnoFailure(path, "open", -fd);
        }
        boolean placed = false;
        try {
            r = sys.fstat(s, fd);
            if (r < 0) {
                throw FifoHold.errnoFailure(path, "statx", -r);
            }
            if (!s.isFifo()) {
                throw FifoHold.failure(path, Reason.OTHER, null,
                        "mkfifo made " + dev.lifeline.internal.Outcome.describeType(s.fileType()) + ", not a FIFO");
            }
            long dev = s.dev();
            long ino = s.ino();
            r = sys.lock(s, fd, exclusive);
            if (r < 0) {
                throw FifoHold.errnoFailure(path, "flock", -r);
            }
            r = sys.fchmod(s, fd, mode);
            if (r < 0) {
                throw FifoHold.errnoFailure(path, "fchmod", -r);
            }
            r = sys.renameNoReplace(s, staging, path);
            if (r == -Errno.EEXIST) {
                return TAKEN_MEANWHILE;
            }
            if (r == -Errno.EINVAL || r == -Errno.ENOSYS) {
                return null; // no RENAME_NOREPLACE here (old kernel, or a file system without it)
            }
            if (r < 0) {
                throw FifoHold.errnoFailure(path, "rename", -r);
            }
            placed = true;
            return new HeldFifo(fifos, path, fd, dev, ino, exclusive, false);
        } finally {
            if (!placed) {
                // Only ours to remove: nobody else knows the random name, and it is still there
                // because the rename did not happen.
                sys.unlink(s, staging);
                sys.close(s, fd);
            }
        }
    }

    /**
     * Takes over the stale FIFO ({@code staleDev}, {@code staleIno}) that a probe found at the path,
     * keeping it (its inode, owner, group and mode stay), but resetting the crashed holder's times
     * out of the probes' sight, under its exclusive lock:
     * <ol>
     * <li>a placeholder FIFO, held by nobody, is made under a temporary name beside it;
     * <li>RENAME_EXCHANGE swaps the two names: probes now see the placeholder, DEAD as the stale
     *     FIFO was;
     * <li>what came back under the temporary name is opened only if it is still the stale FIFO,
     *     checked as our own, and locked exclusively, which fails if another holder took it first;
     *     its times are then reset through that descriptor;
     * <li>a second exchange puts it back at the path, and the placeholder is removed, under its
     *     own exclusive lock (should a holder have taken the placeholder meanwhile, it is given
     *     back and the stale FIFO dropped instead).
     * </ol>
     * Probes thus see DEAD, then ALIVE with fresh times: never the new holder behind the crashed
     * one's promise (HUNG), and no holder that lost a race can erase a winner's promise, for times
     * are reset only under the lock. Anything else found under the temporary name (a holder came
     * first, a file was moved in) is swapped back and left as it was, with its times (a rename
     * changes only its change time), and the path is looked at again. The placeholder's name ends
     * in {@code .lifeline-swap}, not {@code .lifeline-new}: its rename into place proves no holder.
     *
     * <p>Returns {@link #TAKEN_MEANWHILE} to look again, and null where this way cannot work (no
     * placeholder can be made in the directory, a temporary name too long, no RENAME_EXCHANGE): the
     * FIFO is then taken over in place.
     */
    HeldFifo takeOverStale(CallState s, NativePath path, int mode, boolean exclusive, int uid,
            long staleDev, long staleIno) throws HoldException {
        NativePath staging = staging(path, ".lifeline-swap");
        if (staging == null) {
            return null;
        }
        int r = sys.mkfifo(s, staging, 0600);
        if (r == -Errno.EEXIST) {
            return TAKEN_MEANWHILE;
        }
        if (r < 0 || sys.stat(s, staging, false) < 0 || !s.isFifo()) {
            sys.unlink(s, staging);
            return null; // ENAMETOOLONG, EACCES, EROFS, ENOSPC...: in place, then
        }
        long placeholderDev = s.dev();
        long placeholderIno = s.ino();
        boolean stagingNamesPlaceholder = true;
        int fd = -1;
        try {
            r = sys.renameExchange(s, staging, path);
            if (r == -Errno.ENOENT) {
                return TAKEN_MEANWHILE; // the path went away: look again
            }
            if (r == -Errno.EINVAL || r == -Errno.ENOSYS) {
                return null; // no RENAME_EXCHANGE here
            }
            if (r < 0) {
                throw FifoHold.errnoFailure(path, "rename", -r);
            }
            stagingNamesPlaceholder = false;
            // The temporary name now names what the path named a moment ago. Opened only if it is
            // the stale FIFO still (never a device or a file moved in meanwhile).
            fd = fifos.namesInode(s, staging, staleDev, staleIno) ? sys.openReader(s, staging) : -1;
            boolean ours = fd >= 0 && sys.fstat(s, fd) == 0 && s.is(staleDev, staleIno)
                    && s.isFifo() && s.uid() == uid && sys.lock(s, fd, true) == 0;
            int perms = s.mode() & 07777;
            if (!ours) {
                // Not ours to take (a holder came first, or it was replaced): put it back.
                swapBack(s, path, staging, placeholderDev, placeholderIno);
                stagingNamesPlaceholder = true;
                return TAKEN_MEANWHILE;
            }
            // Alone on it, out of sight: the crashed holder's promise goes, and nobody else's can.
            sys.touch(s, fd);
            r = sys.renameExchange(s, staging, path);
            if (r < 0 || !removeIfUnheld(s, staging, placeholderDev, placeholderIno)) {
                // The placeholder went from the path, or a holder took it meanwhile: give back what
                // the path named, drop our FIFO (unlinked under its exclusive lock), look again.
                if (r == 0) {
                    swapBack(s, path, staging, staleDev, staleIno);
                }
                if (fifos.namesInode(s, staging, staleDev, staleIno)) {
                    sys.unlink(s, staging);
                }
                return TAKEN_MEANWHILE;
            }
            // Back at the path, still ours alone. Changed only now, so that a failure leaves the
            // FIFO where it was, stale as it was.
            if (exclusive && perms != mode) {
                r = sys.fchmod(s, fd, mode);
                if (r < 0) {
                    throw FifoHold.errnoFailure(path, "fchmod", -r);
                }
            }
            if (!exclusive) {
                // A downgrade never waits: nobody else can hold a lock while we hold it exclusively.
                r = sys.lock(s, fd, false);
                if (r < 0) {
                    throw FifoHold.errnoFailure(path, "flock", -r);
                }
            }
            HeldFifo held = new HeldFifo(fifos, path, fd, staleDev, staleIno, exclusive, false);
            fd = -1;
            return held;
        } finally {
            if (fd >= 0) {
                fifos.closeFifo(s, fd, staleDev, staleIno);
            }
            if (stagingNamesPlaceholder) {
                // Ours alone: nobody else knows the random name, and it names our placeholder.
                sys.unlink(s, staging);
            }
        }
    }

    /**
     * Swaps {@code staging} and {@code path} back, which must leave {@code staging} naming the inode
     * ({@code dev}, {@code ino}) that this call put at the path.
     */
    private void swapBack(CallState s, NativePath path, NativePath staging, long dev, long ino) throws HoldException {
        if (sys.renameExchange(s, staging, path) != 0 || !fifos.namesInode(s, staging, dev, ino)) {
            throw FifoHold.failure(path, Reason.OTHER, null, "changed while being taken over, and what was there could not be"
                    + " put back for sure: look for it under " + staging.path().getFileName());
        }
    }

    /**
     * Removes the FIFO at {@code path} if it is still this inode and nobody holds it, by the
     * holders' own rule: only under its exclusive lock, so a holder that opened it meanwhile finds,
     * once it gets the lock, that the path no longer names what it locked, and starts again.
     * Taking the lock needs a descriptor, and a read end is the only one that opens without a
     * reader; probes may see that read end as ALIVE for the few calls it is open. Where no
     * descriptor can be had (no descriptor left, no read permission) the FIFO stays: a truthful
     * DEAD, never a removal under a holder.
     */
    boolean removeIfUnheld(CallState s, NativePath path, long dev, long ino) {
        if (!fifos.namesInode(s, path, dev, ino)) {
            return false; // something else there now: not even opened
        }
        int fd = sys.openReader(s, path);
        if (fd < 0) {
            return false;
        }
        try {
            return sys.fstat(s, fd) == 0 && s.is(dev, ino)
                    && sys.lock(s, fd, true) == 0
                    && fifos.namesInode(s, path, dev, ino)
                    && sys.unlink(s, path) == 0;
        } finally {
            fifos.closeFifo(s, fd, dev, ino);
        }
    }
}
