package dev.lifeline.internal.posix;

import dev.lifeline.BeaconException;
import dev.lifeline.Fault;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The two sides of the FIFO protocol in system calls: probing a path, and holding a beacon.
 * Internal usage only: the public package sees outcome codes and exceptions, never errno
 * arithmetic or native memory.
 */
public final class Fifo {
    /** Probe outcome: a reader holds the FIFO. */
    public static final int ALIVE = 0;
    /** Probe outcome: a FIFO is there and nobody holds it. */
    public static final int DEAD = 1;
    /** Probe outcome: nothing is at the path. */
    public static final int ABSENT = 2;
    /** Probe outcome: a reader holds the FIFO and its holder's promised deadline lies ahead. */
    public static final int ALIVE_PROMISED = 3;
    /** Probe outcome: a reader holds the FIFO but the deadline its holder promised has passed. */
    public static final int HUNG = 4;
    /** Probe outcome bit: something other than a FIFO is there; the low bits are its S_IFMT >> 12. */
    public static final int NOT_A_FIFO = 0x100;

    private static final int PROBE_FLAGS = Linux.O_WRONLY | Linux.O_NONBLOCK | Linux.O_CLOEXEC | Linux.O_NOCTTY;
    private static final int HOLD_FLAGS =
            Linux.O_RDONLY | Linux.O_NONBLOCK | Linux.O_CLOEXEC | Linux.O_NOFOLLOW | Linux.O_NOCTTY;
    private static final int ID_MASK = Linux.STATX_TYPE | Linux.STATX_MODE | Linux.STATX_UID | Linux.STATX_INO;
    /** How long a new holder waits for a closing one to finish removing the FIFO it takes over. */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /*
     * The heartbeat lives in the FIFO's own times: a beat sets mtime to the time of the beat and
     * atime to the deadline promised for the next one. The kernel moves these times too: a
     * write into the FIFO sets mtime, a read may set atime (a holder that reads, such as
     * s6-supervise on its control FIFO, leaves atime after mtime with no promise meant). So a
     * promise is recognised only by a signature no kernel-made time carries but by chance one in
     * a million per time: lifeline writes both times at millisecond precision, with the
     * sub-millisecond nanoseconds set to SIGNATURE. A time the kernel wrote over, or a file
     * system too coarse to keep nanoseconds, simply shows no promise: plain ALIVE, never HUNG.
     */
    private static final int SIGNATURE = 417_417;
    private static final int NANOS_PER_MILLI = 1_000_000;
    private static final int ALIVE_MASK = Linux.STATX_TYPE | Linux.STATX_ATIME | Linux.STATX_MTIME | Linux.STATX_INO;

    /*
     * Who holds a beacon: each holder also takes a POSIX read lock on its FIFO, which F_GETLK
     * reports with the holder's pid. The catch: a process drops all its POSIX locks on a file
     * when it closes any descriptor of that file, so a probe in a process that holds the same
     * beacon would silently take its pid away. Every close of a FIFO descriptor made here
     * therefore goes through closeFifo, which takes the lock again for any beacon this process
     * holds on that inode. HOLDERS is copy-on-write and, in a process holding nothing, empty:
     * the common case costs one volatile read.
     */
    private static volatile Held[] holders = new Held[0];


    static {
        NativeAccess.warnIfMissing();
        // Load now what reporting a failure needs: with the descriptor table full (EMFILE) a
        // class could no longer be read from a jar or directory, and the report would be a
        // NoClassDefFoundError instead of TOO_MANY_OPEN_FILES.
        Errno.fault(Errno.EMFILE);
        Errno.describe(Errno.EMFILE);
        describeType(NOT_A_FIFO);
        try {
            ClassLoader loader = Fifo.class.getClassLoader();
            Class.forName(Watch.class.getName(), false, loader);
            Class.forName(BirthWatch.class.getName(), false, loader);
        } catch (ClassNotFoundException impossible) {
            throw new AssertionError(impossible);
        }
    }

    private Fifo() {
    }

    /** Fails now, with a clear message, on a platform lifeline does not serve. */
    public static void requireSupported() {
        Linux.requireSupported();
    }

    // -- Checker side --

    /**
     * Asks whether a reader holds the FIFO at {@code path}: ALIVE, DEAD, ABSENT, NOT_A_FIFO|type,
     * or minus errno for anything that is no answer. Follows symbolic links, as s6-svok does.
     * Allocates nothing.
     */
    public static int probe(NativePath path) {
        LibC.Scratch s = LibC.scratch();
        // O_NONBLOCK: without it open would wait for a reader. O_CLOEXEC: a child forked by
        // another thread meanwhile must not inherit the descriptor. O_NOCTTY: a terminal at the
        // path must not become our controlling terminal.
        int fd = LibC.open(s, path, PROBE_FLAGS);
        if (fd >= 0) {
            // A regular file, a directory's sibling or a device opens for writing just as well:
            // only the type of what was opened can say ALIVE.
            int r = LibC.fstatx(s, fd, ALIVE_MASK);
            if (r < 0) {
                LibC.close(s, fd);
                return r;
            }
            closeFifo(s, fd, s.statxDev(), s.statxIno());
            int mode = s.statxMode();
            return isFifo(mode) ? judgePromise(s) : NOT_A_FIFO | type(mode);
        }
        if (fd == -Errno.ENOENT) {
            return ABSENT;
        }
        if (fd != -Errno.ENXIO) {
            return fd;
        }
        // ENXIO is also the answer for a Unix socket and for a device without a driver: only a
        // FIFO makes it mean DEAD. This stat is paid on the dead path alone.
        int r = LibC.statx(s, path, true, Linux.STATX_TYPE);
        if (r == -Errno.ENOENT) {
            return ABSENT; // removed since the open: it was dead, and now it is gone
        }
        if (r < 0) {
            return r;
        }
        int mode = s.statxMode();
        return isFifo(mode) ? DEAD : NOT_A_FIFO | type(mode);
    }

    /**
     * ALIVE, or, for a beacon whose holder promised a deadline, ALIVE_PROMISED or HUNG with the
     * times left in the thread's scratch ({@link #lastBeatMillis()}, {@link #deadlineMillis()}).
     * The clock is read here, once: file times are wall-clock times, and so is the verdict.
     */
    private static int judgePromise(LibC.Scratch s) {
        int beatNanos = s.statxNanos(Linux.STX_MTIME);
        int deadlineNanos = s.statxNanos(Linux.STX_ATIME);
        if (beatNanos % NANOS_PER_MILLI != SIGNATURE || deadlineNanos % NANOS_PER_MILLI != SIGNATURE) {
            return ALIVE;
        }
        long beat = s.statxSeconds(Linux.STX_MTIME) * 1000 + beatNanos / NANOS_PER_MILLI;
        long deadline = s.statxSeconds(Linux.STX_ATIME) * 1000 + deadlineNanos / NANOS_PER_MILLI;
        if (deadline <= beat) {
            return ALIVE;
        }
        s.beatMillis = beat;
        s.deadlineMillis = deadline;
        // Only the deadline decides. A beat that lies in the future means the clock went back
        // since: the holder's promise still stands as written, so it is judged by the deadline
        // like any other (documented on Status.State.HUNG).
        return System.currentTimeMillis() > deadline ? HUNG : ALIVE_PROMISED;
    }

    /** The last beat read by this thread's latest ALIVE_PROMISED or HUNG probe, in epoch ms. */
    public static long lastBeatMillis() {
        return LibC.scratch().beatMillis;
    }

    /** The deadline read by this thread's latest ALIVE_PROMISED or HUNG probe, in epoch ms. */
    public static long deadlineMillis() {
        return LibC.scratch().deadlineMillis;
    }

    /**
     * The pid of a process holding the FIFO at {@code path}, from the POSIX read lock that
     * lifeline holders take; 0 when none is known (nobody holds it, or the holder is another
     * program, or it is a program that inherited the beacon, since POSIX locks are not
     * inherited); minus errno if the FIFO cannot be opened.
     */
    public static int holderPid(NativePath path) {
        LibC.Scratch s = LibC.scratch();
        int fd = LibC.open(s, path, PROBE_FLAGS);
        if (fd < 0) {
            return fd;
        }
        if (LibC.fstatx(s, fd, Linux.STATX_TYPE | Linux.STATX_INO) < 0 || !isFifo(s.statxMode())) {
            LibC.close(s, fd);
            return 0;
        }
        long dev = s.statxDev();
        long ino = s.statxIno();
        // F_GETLK never reports the asking process's own locks: ask the registry for those.
        for (Held h : holders) {
            if (h.ino == ino && h.dev == dev) {
                closeFifo(s, fd, dev, ino);
                return (int) ProcessHandle.current().pid();
            }
        }
        int pid = LibC.posixLock(s, fd, Linux.F_GETLK, Linux.F_WRLCK);
        closeFifo(s, fd, dev, ino);
        return pid;
    }

    /** Closes a FIFO descriptor and restores the POSIX locks this process's holders had on it. */
    static void closeFifo(LibC.Scratch s, int fd, long dev, long ino) {
        LibC.close(s, fd);
        Held[] current = holders;
        for (Held h : current) {
            if (h.ino == ino && h.dev == dev) {
                h.relock(s);
            }
        }
    }

    private static synchronized void register(Held h) {
        Held[] next = java.util.Arrays.copyOf(holders, holders.length + 1);
        next[next.length - 1] = h;
        holders = next;
    }

    private static synchronized void unregister(Held h) {
        holders = java.util.Arrays.stream(holders).filter(x -> x != h).toArray(Held[]::new);
    }

    /** "a regular file", "a directory", ...: what a NOT_A_FIFO outcome found. */
    public static String describeType(int outcome) {
        return switch (outcome & 0xF) {
            case 0x1 -> "a FIFO";
            case 0x2 -> "a character device";
            case 0x4 -> "a directory";
            case 0x6 -> "a block device";
            case 0x8 -> "a regular file";
            case 0xA -> "a symbolic link";
            case 0xC -> "a socket";
            default -> "a file of unknown type";
        };
    }

    private static boolean isFifo(int mode) {
        return (mode & Linux.S_IFMT) == Linux.S_IFIFO;
    }

    private static int type(int mode) {
        return (mode & Linux.S_IFMT) >>> 12;
    }

    // -- Holder side --

    /**
     * Creates the FIFO at {@code path} or takes over a stale one, opens it for reading and locks
     * it: shared, or exclusive when {@code exclusive}. Refuses, leaving the path untouched,
     * anything but a FIFO owned by the effective user, and a symbolic link.
     *
     * <p>The race with a holder that is closing: a closing holder removes the FIFO while it
     * still holds its lock exclusively (see {@link Held#close()}). So whoever gets a lock and
     * then finds that the path still names the inode it locked knows that no closing holder can
     * remove it any more; whoever finds otherwise starts again, on a new FIFO.
     */
    public static Held hold(NativePath path, int mode, boolean exclusive) throws BeaconException {
        LibC.Scratch s = LibC.scratch();
        int uid = LibC.geteuid();
        long[] settleDeadline = {0};
        for (int attempt = 0; ; attempt++) {
            if (attempt > 1000) {
                throw failure(path, Fault.OTHER, null, "the path kept changing under us; gave up after 1000 attempts");
            }
            boolean created = false;
            boolean stale = false;
            boolean readers = false;
            long createdDev = -1;
            long createdIno = -1;
            int r = LibC.statx(s, path, false, ID_MASK);
            if (r == -Errno.ENOENT) {
                Held born = createHeld(s, path, mode, exclusive);
                if (born == TAKEN_MEANWHILE) {
                    continue; // another holder placed its FIFO first: look again
                }
                if (born != null) {
                    return born;
                }
                // The plain way, only where the held creation cannot work at all.
                r = LibC.mkfifo(s, path, mode);
                if (r == -Errno.EEXIST) {
                    continue; // another holder created it first: look again
                }
                if (r < 0) {
                    throw errnoFailure(path, "mkfifo", -r);
                }
                created = true;
                if (LibC.statx(s, path, false, ID_MASK) == 0) {
                    createdDev = s.statxDev();
                    createdIno = s.statxIno();
                }
            } else if (r < 0) {
                throw errnoFailure(path, "statx", -r);
            } else {
                refuseUnlessOwnFifo(path, s, uid);
                long staleDev = s.statxDev();
                long staleIno = s.statxIno();
                // A FIFO nobody reads is a crashed holder's: its times may still carry that
                // holder's promise, which would make us read HUNG until our first beat.
                int probe = LibC.open(s, path, PROBE_FLAGS | Linux.O_NOFOLLOW);
                stale = probe == -Errno.ENXIO;
                readers = probe >= 0;
                if (probe >= 0) {
                    closeFifo(s, probe, staleDev, staleIno);
                }
                if (stale) {
                    Held taken = takeOverStale(s, path, mode, exclusive, uid, staleDev, staleIno);
                    if (taken == TAKEN_MEANWHILE) {
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
                Held held = openAndLock(s, path, mode, exclusive, uid, created, stale, readers, settleDeadline);
                if (held != null) {
                    return held;
                }
            } catch (BeaconException | RuntimeException e) {
                // A FIFO made by this call and not held must not stay behind: probes would
                // report DEAD for a daemon that never started. But it may be held by now: made
                // here, then opened and locked by another holder before this call got to it
                // (this call then failed with HELD). So it is removed only under its lock.
                if (created && createdIno != -1) {
                    removeIfUnheld(s, path, createdDev, createdIno);
                }
                throw e;
            }
        }
    }

    /**
     * The second half of {@link #hold}: open, verify, lock, and check the path still names what
     * was locked. Null means "start again".
     */
    private static Held openAndLock(LibC.Scratch s, NativePath path, int mode, boolean exclusive, int uid,
            boolean created, boolean stale, boolean readers, long[] settleDeadline) throws BeaconException {
        int r;
        {
            int fd = LibC.open(s, path, HOLD_FLAGS);
            if (fd == -Errno.ENOENT) {
                return null; // removed between the look and the open: start again
            }
            if (fd == -Errno.ELOOP) {
                throw failure(path, Fault.SYMLINK, "ELOOP", "is a symbolic link; a beacon path must name the FIFO itself");
            }
            if (fd < 0) {
                throw errnoFailure(path, "open", -fd);
            }
            // Closed once, in the finally block, on every way out but success: closing twice could
            // close a descriptor number another thread has been given meanwhile (its beacon!).
            long fdDev = -1;
            long fdIno = -1;
            try {
                r = LibC.fstatx(s, fd, ID_MASK);
                if (r < 0) {
                    throw errnoFailure(path, "statx", -r);
                }
                // The path may have been replaced between the look and the open.
                refuseUnlessOwnFifo(path, s, uid);
                long dev = s.statxDev();
                long ino = s.statxIno();
                fdDev = dev;
                fdIno = ino;
                int perms = s.statxMode() & 07777;

                // A stale FIFO taken over in place (only where it could not be replaced): its times
                // may still carry the crashed holder's promise, which would make us read HUNG until
                // our first beat. They are reset through this descriptor, verified above as our own
                // FIFO, and only by a holder alone on it: under the exclusive lock, which even a
                // shared holder takes first for this (and gives up for the shared one right after).
                // Whoever finds the lock taken leaves the times alone: they are another live
                // holder's, whose promise must not be erased. Between our open and the reset, a
                // probe may still read the crashed holder's expired promise, as HUNG (never ALIVE).
                boolean reset = stale && !created;
                r = LibC.flock(s, fd, (exclusive || reset ? Linux.LOCK_EX : Linux.LOCK_SH) | Linux.LOCK_NB);
                if (r == -Errno.EWOULDBLOCK && reset && !exclusive) {
                    reset = false; // another holder came first: the times are its own
                    r = LibC.flock(s, fd, Linux.LOCK_SH | Linux.LOCK_NB);
                }
                if (r == -Errno.EWOULDBLOCK) {
                    if (!namesInode(s, path, dev, ino)) {
                        return null; // a closing holder removed it: start again on a new FIFO
                    }
                    // Either a live exclusive holder, or a closing one about to remove the FIFO:
                    // give the latter a moment, bounded, then say who holds it.
                    long now = System.nanoTime();
                    if (settleDeadline[0] == 0) {
                        settleDeadline[0] = now + SETTLE_NANOS;
                    }
                    if (now - settleDeadline[0] < 0) {
                        Thread.onSpinWait();
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                        return null;
                    }
                    throw failure(path, Fault.HELD, "EWOULDBLOCK", exclusive
                            ? "is held by a live process; exclusive mode admits one holder"
                            : "is held exclusively by a live process");
                }
                if (r < 0) {
                    throw errnoFailure(path, "flock", -r);
                }
                if (!namesInode(s, path, dev, ino)) {
                    return null; // the holder we locked after removed the FIFO before it let go
                }
                if (reset) {
                    // Best effort, as it always was: on a read-only file system (EROFS, the one
                    // failure possible on a FIFO we own) the times stay, and so would any promise,
                    // which then reads HUNG: true enough where nobody can beat.
                    LibC.futimensNow(s, fd);
                    if (!exclusive) {
                        // A downgrade never waits: nobody else can hold a lock while we hold it
                        // exclusively.
                        r = LibC.flock(s, fd, Linux.LOCK_SH | Linux.LOCK_NB);
                        if (r < 0) {
                            throw errnoFailure(path, "flock", -r);
                        }
                    }
                }
                // mkfifo honours the umask; the mode asked for is the mode the FIFO gets.
                if ((created || exclusive) && perms != mode) {
                    r = LibC.fchmod(s, fd, mode);
                    if (r < 0) {
                        throw errnoFailure(path, "fchmod", -r);
                    }
                }
                // Joining readers that no lifeline holder is among (s6-supervise on its control FIFO,
                // a program reading the FIFO for its own reasons) makes this beacon a guest: the
                // FIFO is theirs, and its close must leave it in place, for no lock can tell this
                // holder that it is the last reader.
                boolean guest = readers && !lifelineHolderPresent(s, fd);
                int held = fd;
                fd = -1;
                return new Held(path, held, dev, ino, exclusive, guest);
            } finally {
                if (fd >= 0) {
                    closeFifo(s, fd, fdDev, fdIno);
                }
            }
        }
    }

    /** What {@link #createHeld} and {@link #takeOverStale} return when the path changed meanwhile: look again. */
    private static final Held TAKEN_MEANWHILE = new Held();

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
            Path sibling = target.resolveSibling(temporary);
            return NativePath.of(sibling);
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
    private static Held createHeld(LibC.Scratch s, NativePath path, int mode, boolean exclusive) throws BeaconException {
        NativePath staging = staging(path, ".lifeline-new");
        if (staging == null) {
            return null;
        }
        int r = LibC.mkfifo(s, staging, mode);
        if (r == -Errno.ENAMETOOLONG) {
            return null; // the beacon's own name may still fit: the plain way will tell
        }
        if (r == -Errno.EEXIST) {
            return TAKEN_MEANWHILE; // a random name taken: as unlikely as it is harmless to retry
        }
        if (r < 0) {
            throw errnoFailure(path, "mkfifo", -r);
        }
        int fd = LibC.open(s, staging, HOLD_FLAGS);
        if (fd < 0) {
            LibC.unlink(s, staging);
            throw errnoFailure(path, "open", -fd);
        }
        boolean placed = false;
        try {
            r = LibC.fstatx(s, fd, ID_MASK);
            if (r < 0) {
                throw errnoFailure(path, "statx", -r);
            }
            if (!isFifo(s.statxMode())) {
                throw failure(path, Fault.OTHER, null, "mkfifo made " + describeType(type(s.statxMode())) + ", not a FIFO");
            }
            long dev = s.statxDev();
            long ino = s.statxIno();
            r = LibC.flock(s, fd, (exclusive ? Linux.LOCK_EX : Linux.LOCK_SH) | Linux.LOCK_NB);
            if (r < 0) {
                throw errnoFailure(path, "flock", -r);
            }
            r = LibC.fchmod(s, fd, mode);
            if (r < 0) {
                throw errnoFailure(path, "fchmod", -r);
            }
            r = LibC.renameNoReplace(s, staging, path);
            if (r == -Errno.EEXIST) {
                return TAKEN_MEANWHILE;
            }
            if (r == -Errno.EINVAL || r == -Errno.ENOSYS) {
                return null; // no RENAME_NOREPLACE here (old kernel, or a file system without it)
            }
            if (r < 0) {
                throw errnoFailure(path, "rename", -r);
            }
            placed = true;
            return new Held(path, fd, dev, ino, exclusive, false);
        } finally {
            if (!placed) {
                // Only ours to remove: nobody else knows the random name, and it is still there
                // because the rename did not happen.
                LibC.unlink(s, staging);
                LibC.close(s, fd);
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
    private static Held takeOverStale(LibC.Scratch s, NativePath path, int mode, boolean exclusive, int uid,
            long staleDev, long staleIno) throws BeaconException {
        NativePath staging = staging(path, ".lifeline-swap");
        if (staging == null) {
            return null;
        }
        int r = LibC.mkfifo(s, staging, 0600);
        if (r == -Errno.EEXIST) {
            return TAKEN_MEANWHILE;
        }
        if (r < 0 || LibC.statx(s, staging, false, ID_MASK) < 0 || !isFifo(s.statxMode())) {
            LibC.unlink(s, staging);
            return null; // ENAMETOOLONG, EACCES, EROFS, ENOSPC...: in place, then
        }
        long placeholderDev = s.statxDev();
        long placeholderIno = s.statxIno();
        boolean stagingNamesPlaceholder = true;
        int fd = -1;
        try {
            r = LibC.renameExchange(s, staging, path);
            if (r == -Errno.ENOENT) {
                return TAKEN_MEANWHILE; // the path went away: look again
            }
            if (r == -Errno.EINVAL || r == -Errno.ENOSYS) {
                return null; // no RENAME_EXCHANGE here
            }
            if (r < 0) {
                throw errnoFailure(path, "rename", -r);
            }
            stagingNamesPlaceholder = false;
            // The temporary name now names what the path named a moment ago. Opened only if it is
            // the stale FIFO still (never a device or a file moved in meanwhile).
            fd = namesInode(s, staging, staleDev, staleIno) ? LibC.open(s, staging, HOLD_FLAGS) : -1;
            boolean ours = fd >= 0 && LibC.fstatx(s, fd, ID_MASK) == 0 && s.statxDev() == staleDev
                    && s.statxIno() == staleIno && isFifo(s.statxMode()) && s.statxUid() == uid
                    && LibC.flock(s, fd, Linux.LOCK_EX | Linux.LOCK_NB) == 0;
            int perms = s.statxMode() & 07777;
            if (!ours) {
                // Not ours to take (a holder came first, or it was replaced): put it back.
                swapBack(s, path, staging, placeholderDev, placeholderIno);
                stagingNamesPlaceholder = true;
                return TAKEN_MEANWHILE;
            }
            // Alone on it, out of sight: the crashed holder's promise goes, and nobody else's can.
            LibC.futimensNow(s, fd);
            r = LibC.renameExchange(s, staging, path);
            if (r < 0 || !removeIfUnheld(s, staging, placeholderDev, placeholderIno)) {
                // The placeholder went from the path, or a holder took it meanwhile: give back what
                // the path named, drop our FIFO (unlinked under its exclusive lock), look again.
                if (r == 0) {
                    swapBack(s, path, staging, staleDev, staleIno);
                }
                if (namesInode(s, staging, staleDev, staleIno)) {
                    LibC.unlink(s, staging);
                }
                return TAKEN_MEANWHILE;
            }
            // Back at the path, still ours alone. Changed only now, so that a failure leaves the
            // FIFO where it was, stale as it was.
            if (exclusive && perms != mode) {
                r = LibC.fchmod(s, fd, mode);
                if (r < 0) {
                    throw errnoFailure(path, "fchmod", -r);
                }
            }
            if (!exclusive) {
                // A downgrade never waits: nobody else can hold a lock while we hold it exclusively.
                r = LibC.flock(s, fd, Linux.LOCK_SH | Linux.LOCK_NB);
                if (r < 0) {
                    throw errnoFailure(path, "flock", -r);
                }
            }
            Held held = new Held(path, fd, staleDev, staleIno, exclusive, false);
            fd = -1;
            return held;
        } finally {
            if (fd >= 0) {
                closeFifo(s, fd, staleDev, staleIno);
            }
            if (stagingNamesPlaceholder) {
                // Ours alone: nobody else knows the random name, and it names our placeholder.
                LibC.unlink(s, staging);
            }
        }
    }

    /**
     * Swaps {@code staging} and {@code path} back, which must leave {@code staging} naming the inode
     * ({@code dev}, {@code ino}) that this call put at the path.
     */
    private static void swapBack(LibC.Scratch s, NativePath path, NativePath staging, long dev, long ino)
            throws BeaconException {
        if (LibC.renameExchange(s, staging, path) != 0 || !namesInode(s, staging, dev, ino)) {
            throw failure(path, Fault.OTHER, null, "changed while being taken over, and what was there could not be"
                    + " put back for sure: look for it under " + staging.path().getFileName());
        }
    }

    /**
     * Whether a lifeline holder, in this process or another, holds the FIFO open on {@code fd}:
     * each takes an open-file-description read lock, which a program it spawns inherits with the
     * descriptor and which F_OFD_GETLK reports whoever holds it (Linux 3.15, older than the statx
     * lifeline needs anyway). A holder between its flock and that lock reads as absent: the
     * joining beacon then merely keeps the FIFO at its close, which that holder removes at its own.
     */
    private static boolean lifelineHolderPresent(LibC.Scratch s, int fd) {
        return LibC.ofdLock(s, fd, Linux.F_OFD_GETLK, Linux.F_WRLCK) != 0; // 1, or an error: assume one
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
    private static boolean removeIfUnheld(LibC.Scratch s, NativePath path, long dev, long ino) {
        if (!namesInode(s, path, dev, ino)) {
            return false; // something else there now: not even opened
        }
        int fd = LibC.open(s, path, HOLD_FLAGS);
        if (fd < 0) {
            return false;
        }
        try {
            return LibC.fstatx(s, fd, Linux.STATX_INO) == 0 && s.statxDev() == dev && s.statxIno() == ino
                    && LibC.flock(s, fd, Linux.LOCK_EX | Linux.LOCK_NB) == 0
                    && namesInode(s, path, dev, ino)
                    && LibC.unlink(s, path) == 0;
        } finally {
            closeFifo(s, fd, dev, ino);
        }
    }

    private static void refuseUnlessOwnFifo(NativePath path, LibC.Scratch s, int uid) throws BeaconException {
        int mode = s.statxMode();
        if ((mode & Linux.S_IFMT) == 0xA000) {
            throw failure(path, Fault.SYMLINK, null, "is a symbolic link; a beacon path must name the FIFO itself");
        }
        if (!isFifo(mode)) {
            throw failure(path, Fault.NOT_A_FIFO, null, "is " + describeType(type(mode)) + ", not a FIFO; left untouched");
        }
        int owner = s.statxUid();
        if (owner != uid) {
            throw failure(path, Fault.NOT_OWNER, null,
                    "is a FIFO owned by uid " + Integer.toUnsignedString(owner) + ", not by uid "
                            + Integer.toUnsignedString(uid) + "; left untouched");
        }
    }

    /** Whether {@code path}, not following a final symbolic link, names this very inode. */
    private static boolean namesInode(LibC.Scratch s, NativePath path, long dev, long ino) {
        return LibC.statx(s, path, false, Linux.STATX_INO) == 0 && s.statxDev() == dev && s.statxIno() == ino;
    }

    static BeaconException errnoFailure(NativePath path, String call, int errno) {
        if (errno == Errno.ENOENT) {
            return failure(path, Fault.NO_SUCH_DIRECTORY, Errno.name(errno), missingDirectory(path.path(), call));
        }
        return failure(path, Errno.fault(errno), Errno.name(errno), call + ": " + Errno.describe(errno));
    }

    /**
     * What to tell a holder whose path's directory is missing: which directory, and what to do.
     * "mkfifo: No such file or directory" named neither.
     */
    private static String missingDirectory(Path path, String call) {
        Path missing = path.toAbsolutePath().getParent();
        // The first ancestor that is missing: creating it is the first step.
        while (missing != null && missing.getParent() != null
                && !java.nio.file.Files.exists(missing.getParent(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            missing = missing.getParent();
        }
        String directory = missing == null ? "its directory" : "the directory " + missing;
        return call + ": " + directory + " does not exist (" + Errno.describe(Errno.ENOENT)
                + "); create it first (mkdir -m 0755, or RuntimeDirectory= in a systemd unit), or choose another path";
    }

    static BeaconException failure(NativePath path, Fault fault, String errno, String reason) {
        return new BeaconException(path.path(), fault, errno, reason);
    }

    /**
     * A held beacon: the open read descriptor and the identity of the inode it opened.
     *
     * <p>Concurrency: {@link #close()} may be called from any thread, any number of times; only
     * the first does anything.
     */
    public static final class Held {
        private final NativePath path;
        private final int fd;
        private final long dev;
        private final long ino;
        private final boolean exclusive;
        /** Joined a FIFO read by others that are not lifeline holders: never removes it. */
        private final boolean guest;
        private final AtomicBoolean closed = new AtomicBoolean();

        /** Holds nothing and is never registered: {@link #TAKEN_MEANWHILE}. */
        private Held() {
            this.path = null;
            this.fd = -1;
            this.dev = -1;
            this.ino = -1;
            this.exclusive = false;
            this.guest = true;
            closed.set(true);
        }

        Held(NativePath path, int fd, long dev, long ino, boolean exclusive, boolean guest) {
            this.path = path;
            this.fd = fd;
            this.dev = dev;
            this.ino = ino;
            this.exclusive = exclusive;
            this.guest = guest;
            // Announces this process as the holder to F_GETLK (holderPid), and this open file as
            // a lifeline holder's to beacons that join (the guest rule); best effort. A guest
            // announces neither: a beacon joining after it must see the foreign readers as
            // unaccompanied, and be a guest too.
            if (!guest) {
                LibC.Scratch s = LibC.scratch();
                LibC.posixLock(s, fd, Linux.F_SETLK, Linux.F_RDLCK);
                // And to joiners, for as long as this open file lives: in a spawned program too.
                LibC.ofdLock(s, fd, Linux.F_OFD_SETLK, Linux.F_RDLCK);
            }
            register(this);
        }

        synchronized void relock(LibC.Scratch s) {
            if (!closed.get() && !guest) {
                LibC.posixLock(s, fd, Linux.F_SETLK, Linux.F_RDLCK);
            }
        }

        public boolean isOpen() {
            return !closed.get();
        }

        public int descriptor() {
            return fd;
        }

        /**
         * Hands the beacon to a program that has inherited the descriptor: opens the FIFO's write
         * end (which makes nobody a holder), then closes this read end, so that the beacon lives
         * exactly as long as the program does. The write end is what {@link Released#removeIfUnheld}
         * later locks to remove the FIFO safely. Null, with the beacon unchanged, if the write end
         * cannot be opened.
         */
        public synchronized Released release() {
            if (closed.get()) {
                throw new IllegalStateException("beacon closed: " + path);
            }
            LibC.Scratch s = LibC.scratch();
            int writer = LibC.open(s, path, Linux.O_WRONLY | Linux.O_NONBLOCK | Linux.O_CLOEXEC | Linux.O_NOCTTY);
            if (writer < 0) {
                return null;
            }
            if (LibC.fstatx(s, writer, ID_MASK) < 0 || s.statxDev() != dev || s.statxIno() != ino) {
                closeFifo(s, writer, s.statxDev(), s.statxIno()); // another FIFO by now: nothing safe to keep
                writer = -1;
            }
            closed.set(true);
            unregister(this);
            closeFifo(s, fd, dev, ino); // other holders of this inode in this process keep their lock
            return new Released(path, writer, dev, ino, guest);
        }

        /**
         * Records a beat at {@code nowMillis} and promises the next by {@code deadlineMillis}
         * (both epoch milliseconds) in the FIFO's times. Returns 0, or minus errno.
         *
         * @throws IllegalStateException if the beacon is closed: its descriptor number may
         *         already name another file, whose times must not be touched
         */
        public synchronized int beat(long nowMillis, long deadlineMillis) {
            if (closed.get()) {
                throw new IllegalStateException("beacon closed: " + path);
            }
            LibC.Scratch s = LibC.scratch();
            return LibC.futimens(s,
                    fd,
                    Math.floorDiv(deadlineMillis, 1000), Math.floorMod(deadlineMillis, 1000) * (long) NANOS_PER_MILLI + SIGNATURE,
                    Math.floorDiv(nowMillis, 1000), Math.floorMod(nowMillis, 1000) * (long) NANOS_PER_MILLI + SIGNATURE);
        }

        /**
         * Removes the FIFO if we are its last holder and the path still names our inode, then
         * closes the descriptor. With {@code remove} false the FIFO stays, stale. Returns false
         * if the FIFO was left in place: asked to, kept for another holder, or replaced or
         * removed by someone else.
         */
        public synchronized boolean close(boolean remove) {
            if (!closed.compareAndSet(false, true)) {
                return false;
            }
            LibC.Scratch s = LibC.scratch();
            boolean removed = false;
            try {
                if (!remove || guest) {
                    return false;
                }
                // Holding the lock exclusively while unlinking is what makes a new holder that
                // locks after us see that the path no longer names this inode. A shared holder
                // upgrades: if that fails, others still hold the FIFO and it must stay.
                boolean last = exclusive || LibC.flock(s, fd, Linux.LOCK_EX | Linux.LOCK_NB) == 0;
                if (last && namesInode(s, path, dev, ino)) {
                    // Between this check and the unlink only a third party that removes and
                    // recreates the path by hand could intervene; no lifeline holder does.
                    removed = LibC.unlink(s, path) == 0;
                }
            } finally {
                unregister(this);
                closeFifo(s, fd, dev, ino); // other holders of this inode in this process keep their lock
            }
            return removed;
        }
    }

    /**
     * A beacon handed to another program: what is kept to remove it once that program is gone.
     *
     * <p>Concurrency: {@link #removeIfUnheld()} and {@link #forget()} by one thread.
     */
    public static final class Released {
        private final NativePath path;
        private int writer;
        private final long dev;
        private final long ino;
        private final boolean guest;

        Released(NativePath path, int writer, long dev, long ino, boolean guest) {
            this.path = path;
            this.writer = writer;
            this.dev = dev;
            this.ino = ino;
            this.guest = guest;
        }

        /**
         * Removes the FIFO if nobody holds it any more and the path still names it. The lock is
         * taken on the write end, not by opening a read end, which would make the beacon look
         * alive for a moment after its program ended; and it is held while unlinking, as
         * {@link Held#close} does, so a holder starting meanwhile never keeps a removed FIFO.
         */
        public synchronized boolean removeIfUnheld() {
            if (writer < 0) {
                return false;
            }
            if (guest) {
                forget(); // the FIFO belongs to the readers the beacon joined
                return false;
            }
            LibC.Scratch s = LibC.scratch();
            try {
                return LibC.flock(s, writer, Linux.LOCK_EX | Linux.LOCK_NB) == 0
                        && namesInode(s, path, dev, ino)
                        && LibC.unlink(s, path) == 0;
            } finally {
                forget();
            }
        }

        /**
         * Beats for the program that holds the beacon now: the same signed times as
         * {@link Held#beat}, set through the write end kept here (times belong to the inode, so
         * any descriptor of it will do). Returns 0 or minus errno; EBADF once let go.
         */
        public synchronized int beat(long nowMillis, long deadlineMillis) {
            if (writer < 0) {
                return -Errno.EBADF;
            }
            return LibC.futimens(LibC.scratch(), writer,
                    Math.floorDiv(deadlineMillis, 1000), Math.floorMod(deadlineMillis, 1000) * (long) NANOS_PER_MILLI + SIGNATURE,
                    Math.floorDiv(nowMillis, 1000), Math.floorMod(nowMillis, 1000) * (long) NANOS_PER_MILLI + SIGNATURE);
        }

        /** Lets go without removing anything. */
        public synchronized void forget() {
            if (writer >= 0) {
                closeFifo(LibC.scratch(), writer, dev, ino);
                writer = -1;
            }
        }
    }
}
