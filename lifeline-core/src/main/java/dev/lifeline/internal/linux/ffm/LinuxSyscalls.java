package dev.lifeline.internal.linux.ffm;

import dev.lifeline.internal.linux.Abi;

import static dev.lifeline.internal.linux.ffm.Downcalls.ERRNO;
import static dev.lifeline.internal.linux.ffm.Downcalls.link;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.posix.CallState;
import dev.lifeline.internal.posix.Errno;
import dev.lifeline.internal.posix.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The FIFO protocol's system calls through the FFM API. Each function has its own holder class, so
 * that a command which checks one path links only {@code open}, {@code statx} and {@code close}.
 * No call uses {@code Linker.Option.critical}: open and close may block in the kernel (a FUSE file
 * system, say).
 *
 * <p>Each call is spelled out with its own EINTR loop, alike as they look: {@code invokeExact}
 * needs each handle's exact type, and a shared loop would take a lambda, which the interpreter (the
 * CLI's checks run interpreted) allocates on every call, where a check must allocate nothing.
 */
class LinuxSyscalls implements Syscalls {
    private static final int PROBE_FLAGS = Abi.O_WRONLY | Abi.O_NONBLOCK | Abi.O_CLOEXEC | Abi.O_NOCTTY;
    private static final int HOLD_FLAGS = Abi.O_RDONLY | Abi.O_NONBLOCK | Abi.O_CLOEXEC | Abi.O_NOFOLLOW | Abi.O_NOCTTY;
    /** All a caller reads: the kernel fills these from the inode in one go anyway. */
    private static final int STATX_MASK = Abi.STATX_TYPE | Abi.STATX_MODE | Abi.STATX_UID | Abi.STATX_INO
            | Abi.STATX_ATIME | Abi.STATX_MTIME | Abi.STATX_NLINK;
    /** One shape, (int, int) -> int, serves flock and fchmod: one descriptor to link, not two. */
    static final FunctionDescriptor INT_INT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT);

    /**
     * One shape, {@code (int, ptr, int, int, ptr) -> int} with the same options, for openat, statx
     * and close, the three calls of a check: the JDK makes one downcall stub per shape and
     * options, so a command that checks one path pays for one link, not three (measured: 12 to 15
     * ms less per {@code lifeline check}, issue 17). openat's mode is its first variadic argument.
     * Declaring statx and close variadic at the same place changes nothing they see: on x86_64 the
     * caller only sets AL (the count of vector registers used, 0), which a function that is not
     * variadic ignores, and on Linux aarch64 variadic arguments are passed where fixed ones are;
     * close ignores the registers past its first.
     */
    private static final FunctionDescriptor CHECK_SHAPE =
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

    private static final class Open {
        static final MethodHandle MH = link("openat", CHECK_SHAPE, ERRNO, Linker.Option.firstVariadicArg(3));
    }

    static final class Close {
        static final MethodHandle MH = link("close", CHECK_SHAPE, ERRNO, Linker.Option.firstVariadicArg(3));
    }

    private static final class Statx {
        static final MethodHandle MH = link("statx", CHECK_SHAPE, ERRNO, Linker.Option.firstVariadicArg(3));
        /**
         * The empty string statx needs, with AT_EMPTY_PATH, to describe a descriptor. Here, not in
         * a field of the class: making the backend must not start the FFM machinery, which a
         * backend wrapped by the jdk one may never use.
         */
        static final MemorySegment EMPTY = Arena.global().allocate(1);
    }

    private static final class Mkfifo {
        static final MethodHandle MH = link("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    private static final class Unlink {
        static final MethodHandle MH = link("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS), ERRNO);
    }

    private static final class Flock {
        static final MethodHandle MH = link("flock", INT_INT, ERRNO);
    }

    private static final class Fchmod {
        static final MethodHandle MH = link("fchmod", INT_INT, ERRNO);
    }

    private static final class Futimens {
        static final MethodHandle MH = link("futimens", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), ERRNO);
    }

    private static final class Renameat2 {
        static final MethodHandle MH = link("renameat2",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    private static final class FcntlLock {
        static final MethodHandle MH = link("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
                ERRNO, Linker.Option.firstVariadicArg(2));
    }

    private static final class Geteuid {
        static final MethodHandle MH = link("geteuid", FunctionDescriptor.of(JAVA_INT));
    }

    static MemorySegment cString(NativePath path) {
        return (MemorySegment) path.nativeForm();
    }

    @Override
    public Scratch state() {
        return Scratch.get();
    }

    @Override
    public int openWriter(CallState state, NativePath path, boolean noFollow) {
        return open((Scratch) state, path, noFollow ? PROBE_FLAGS | Abi.O_NOFOLLOW : PROBE_FLAGS);
    }

    @Override
    public int openReader(CallState state, NativePath path) {
        return open((Scratch) state, path, HOLD_FLAGS);
    }

    private static int open(Scratch s, NativePath path, int flags) {
        MemorySegment name = cString(path);
        for (;;) {
            int r;
            try {
                r = (int) Open.MH.invokeExact(s.errno, Abi.AT_FDCWD, name, flags, 0, MemorySegment.NULL);
            } catch (Throwable t) {
                throw new AssertionError("open", t);
            }
            if (r >= 0) {
                return r;
            }
            int e = s.errno();
            if (e != Errno.EINTR) {
                return -e;
            }
        }
    }

    /** Never retried: on Linux the descriptor is released even when close reports EINTR. */
    @Override
    public int close(CallState state, int fd) {
        return close((Scratch) state, fd);
    }

    static int close(Scratch s, int fd) {
        int r;
        try {
            r = (int) Close.MH.invokeExact(s.errno, fd, MemorySegment.NULL, 0, 0, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new AssertionError("close", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    @Override
    public int fstat(CallState state, int fd) {
        return statx((Scratch) state, fd, Statx.EMPTY, Abi.AT_EMPTY_PATH);
    }

    @Override
    public int stat(CallState state, NativePath path, boolean follow) {
        return statx((Scratch) state, Abi.AT_FDCWD, cString(path), follow ? 0 : Abi.AT_SYMLINK_NOFOLLOW);
    }

    private static int statx(Scratch s, int dirfd, MemorySegment path, int flags) {
        for (;;) {
            int r;
            try {
                r = (int) Statx.MH.invokeExact(s.errno, dirfd, path, flags, STATX_MASK, s.statx);
            } catch (Throwable t) {
                throw new AssertionError("statx", t);
            }
            if (r == 0) {
                return 0;
            }
            int e = s.errno();
            if (e != Errno.EINTR) {
                return -e;
            }
        }
    }

    @Override
    public int mkfifo(CallState state, NativePath path, int mode) {
        Scratch s = (Scratch) state;
        for (;;) {
            int r;
            try {
                r = (int) Mkfifo.MH.invokeExact(s.errno, cString(path), mode);
            } catch (Throwable t) {
                throw new AssertionError("mkfifo", t);
            }
            if (r == 0) {
                return 0;
            }
            int e = s.errno();
            if (e != Errno.EINTR) {
                return -e;
            }
        }
    }

    @Override
    public int unlink(CallState state, NativePath path) {
        Scratch s = (Scratch) state;
        int r;
        try {
            r = (int) Unlink.MH.invokeExact(s.errno, cString(path));
        } catch (Throwable t) {
            throw new AssertionError("unlink", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    @Override
    public int lock(CallState state, int fd, boolean exclusive) {
        return retried((Scratch) state, Flock.MH, "flock", fd, (exclusive ? Abi.LOCK_EX : Abi.LOCK_SH) | Abi.LOCK_NB);
    }

    @Override
    public int fchmod(CallState state, int fd, int mode) {
        return retried((Scratch) state, Fchmod.MH, "fchmod", fd, mode);
    }

    /** An (int, int) -> int call, retried on EINTR. */
    private static int retried(Scratch s, MethodHandle mh, String name, int a, int b) {
        for (;;) {
            int r;
            try {
                r = (int) mh.invokeExact(s.errno, a, b);
            } catch (Throwable t) {
                throw new AssertionError(name, t);
            }
            if (r == 0) {
                return 0;
            }
            int e = s.errno();
            if (e != Errno.EINTR) {
                return -e;
            }
        }
    }

    @Override
    public int setTimes(CallState state, int fd, long atimeSeconds, long atimeNanos, long mtimeSeconds, long mtimeNanos) {
        Scratch s = (Scratch) state;
        s.times.set(JAVA_LONG, 0, atimeSeconds);
        s.times.set(JAVA_LONG, 8, atimeNanos);
        s.times.set(JAVA_LONG, 16, mtimeSeconds);
        s.times.set(JAVA_LONG, 24, mtimeNanos);
        int r;
        try {
            r = (int) Futimens.MH.invokeExact(s.errno, fd, s.times);
        } catch (Throwable t) {
            throw new AssertionError("futimens", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    @Override
    public int touch(CallState state, int fd) {
        return setTimes(state, fd, 0L, Abi.UTIME_NOW, 0L, Abi.UTIME_NOW);
    }

    @Override
    public int renameNoReplace(CallState state, NativePath from, NativePath to) {
        return renameat2((Scratch) state, from, to, Abi.RENAME_NOREPLACE);
    }

    @Override
    public int renameExchange(CallState state, NativePath a, NativePath b) {
        return renameat2((Scratch) state, a, b, Abi.RENAME_EXCHANGE);
    }

    private static int renameat2(Scratch s, NativePath from, NativePath to, int flags) {
        int r;
        try {
            r = (int) Renameat2.MH.invokeExact(s.errno, Abi.AT_FDCWD, cString(from), Abi.AT_FDCWD, cString(to), flags);
        } catch (Throwable t) {
            throw new AssertionError("renameat2", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    /**
     * POSIX record locks: a holder's on the whole file; F_GETLK asks about F_WRLCK on the first
     * byte, where every lifeline holder's POSIX lock lies and none of the open-file-description
     * locks, which report no pid (-1).
     */
    @Override
    public int announceProcess(CallState state, int fd) {
        return recordLock((Scratch) state, fd, Abi.F_SETLK, Abi.F_RDLCK, 0, 0);
    }

    @Override
    public int lockHolderPid(CallState state, int fd) {
        Scratch s = (Scratch) state;
        int r = recordLock(s, fd, Abi.F_GETLK, Abi.F_WRLCK, 0, 1);
        if (r < 0 || s.flock.get(JAVA_SHORT, 0) == Abi.F_UNLCK) {
            return r;
        }
        return Math.max(0, s.flock.get(JAVA_INT, Abi.FLOCK_PID)); // an OFD lock reports -1: unknown
    }

    /**
     * Open-file-description locks (Linux 3.15, older than the statx lifeline needs anyway), on the
     * file's second byte, apart from the POSIX locks' first: owned by the open file, so inherited
     * with it, and reported whoever holds them.
     */
    @Override
    public int announceOpenFile(CallState state, int fd) {
        return recordLock((Scratch) state, fd, Abi.F_OFD_SETLK, Abi.F_RDLCK, 1, 1);
    }

    @Override
    public int openFileAnnounced(CallState state, int fd) {
        Scratch s = (Scratch) state;
        int r = recordLock(s, fd, Abi.F_OFD_GETLK, Abi.F_WRLCK, 1, 1);
        if (r < 0) {
            return r;
        }
        return s.flock.get(JAVA_SHORT, 0) == Abi.F_UNLCK ? 0 : 1;
    }

    private static int recordLock(Scratch s, int fd, int command, short type, long start, long length) {
        MemorySegment lock = s.flock;
        lock.fill((byte) 0); // l_whence SEEK_SET; l_pid 0, as OFD requests require
        lock.set(JAVA_SHORT, 0, type);
        lock.set(JAVA_LONG, Abi.FLOCK_START, start);
        lock.set(JAVA_LONG, Abi.FLOCK_LEN, length); // 0: to the end, whatever it becomes
        int r;
        try {
            r = (int) FcntlLock.MH.invokeExact(s.errno, fd, command, lock);
        } catch (Throwable t) {
            throw new AssertionError("fcntl", t);
        }
        return r < 0 ? -s.errno() : 0;
    }

    @Override
    public int geteuid() {
        NativeAccess.require();
        try {
            return (int) Geteuid.MH.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("geteuid", t);
        }
    }
}
