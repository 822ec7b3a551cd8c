package dev.lifeline.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The system calls lifeline makes, each linked on first use and each returning the kernel's answer
 * as one int: the result when it is not negative, else minus errno. Internal usage only.
 *
 * <p>errno is captured by the linker ({@code captureCallState("errno")}) into a segment owned by
 * the calling thread, and read at once after a failed call: reading it later, or from a segment
 * another thread shares, could return some other call's errno. EINTR is retried here, below
 * everyone, so no caller ever sees it. No call uses {@code Linker.Option.critical}: open and
 * close may block in the kernel (a FUSE file system, say).
 *
 * <p>Each function has its own holder class so that a command which checks one path links only
 * {@code open}, {@code statx} and {@code close}: linking a descriptor costs milliseconds.
 */
final class LibC {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_VH = CAPTURE.varHandle(PathElement.groupElement("errno"));
    /** The empty string statx needs, with AT_EMPTY_PATH, to describe a descriptor. */
    private static final MemorySegment EMPTY = Arena.global().allocate(1);

    /** Native scratch memory of one thread: the errno capture, a struct statx, two timespecs. */
    static final class Scratch {
        final MemorySegment errno;
        final MemorySegment statx;
        final MemorySegment times;
        final MemorySegment flock;
        /** What the last probe on this thread read from a beacon's promise; see Fifo.probe. */
        long beatMillis;
        long deadlineMillis;

        private Scratch() {
            // Freed by the garbage collector once the thread, and so this object, is gone.
            Arena arena = Arena.ofAuto();
            this.errno = arena.allocate(CAPTURE);
            this.statx = arena.allocate(Linux.STATX_SIZE, 8);
            this.times = arena.allocate(Linux.TIMESPEC_PAIR_SIZE, 8);
            this.flock = arena.allocate(Linux.FLOCK_SIZE, 8);
        }

        int errno() {
            return (int) ERRNO_VH.get(errno, 0L);
        }

        int statxMode() {
            return Short.toUnsignedInt(statx.get(ValueLayout.JAVA_SHORT, Linux.STX_MODE));
        }

        int statxUid() {
            return statx.get(JAVA_INT, Linux.STX_UID);
        }

        long statxIno() {
            return statx.get(ValueLayout.JAVA_LONG, Linux.STX_INO);
        }

        long statxSeconds(long field) {
            return statx.get(ValueLayout.JAVA_LONG, field);
        }

        int statxNanos(long field) {
            return statx.get(JAVA_INT, field + 8);
        }

        long statxDev() {
            long major = Integer.toUnsignedLong(statx.get(JAVA_INT, Linux.STX_DEV_MAJOR));
            long minor = Integer.toUnsignedLong(statx.get(JAVA_INT, Linux.STX_DEV_MINOR));
            return major << 32 | minor;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private LibC() {
    }

    /** This thread's scratch; every call into the C library starts here, so access is checked here. */
    static Scratch scratch() {
        NativeAccess.require();
        return SCRATCH.get();
    }

    // -- Linking --

    private static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("lifeline: the C library has no function " + name));
        try {
            return LINKER.downcallHandle(symbol, descriptor, options);
        } catch (IllegalCallerException denied) {
            throw new IllegalCallerException(NativeAccess.instruction(), denied);
        }
    }

    private static final class Open {
        // open is variadic in C: the mode is the first variadic argument.
        static final MethodHandle MH = link("open",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                ERRNO, Linker.Option.firstVariadicArg(2));
    }

    private static final class Close {
        static final MethodHandle MH = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class Statx {
        static final MethodHandle MH = link("statx",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), ERRNO);
    }

    private static final class Mkfifo {
        static final MethodHandle MH = link("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    private static final class Unlink {
        static final MethodHandle MH = link("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS), ERRNO);
    }

    /** One shape, (int, int) -> int, serves flock and fchmod: one descriptor to link, not two. */
    private static final FunctionDescriptor INT_INT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT);

    private static final class Flock {
        static final MethodHandle MH = link("flock", INT_INT, ERRNO);
    }

    private static final class Fchmod {
        static final MethodHandle MH = link("fchmod", INT_INT, ERRNO);
    }

    private static final class Futimens {
        static final MethodHandle MH = link("futimens", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), ERRNO);
    }

    private static final class Poll {
        static final MethodHandle MH = link("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, ValueLayout.JAVA_LONG, JAVA_INT), ERRNO);
    }

    private static final class Eventfd {
        // (unsigned int initval, int flags): the same shape as flock and fchmod.
        static final MethodHandle MH = link("eventfd", INT_INT, ERRNO);
    }

    private static final class Write {
        static final MethodHandle MH = link("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG, JAVA_INT, ADDRESS, ValueLayout.JAVA_LONG), ERRNO);
    }

    private static final class InotifyInit1 {
        static final MethodHandle MH = link("inotify_init1", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class InotifyAddWatch {
        static final MethodHandle MH = link("inotify_add_watch",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    private static final class Read {
        static final MethodHandle MH = link("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG, JAVA_INT, ADDRESS, ValueLayout.JAVA_LONG), ERRNO);
    }

    private static final class EpollCreate1 {
        static final MethodHandle MH = link("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class EpollCtl {
        static final MethodHandle MH = link("epoll_ctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), ERRNO);
    }

    private static final class EpollWait {
        static final MethodHandle MH = link("epoll_wait",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class InotifyRmWatch {
        static final MethodHandle MH = link("inotify_rm_watch", INT_INT, ERRNO);
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

    // -- Calls: each returns the result, or minus errno --

    static int open(Scratch s, NativePath path, int flags) {
        for (;;) {
            int r;
            try {
                r = (int) Open.MH.invokeExact(s.errno, path.segment, flags, 0);
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

    /**
     * Closes {@code fd}. Never retried: on Linux the descriptor is released even when close
     * reports EINTR, and a retry could close a descriptor another thread just opened.
     */
    static int close(Scratch s, int fd) {
        int r;
        try {
            r = (int) Close.MH.invokeExact(s.errno, fd);
        } catch (Throwable t) {
            throw new AssertionError("close", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    /** statx of an open descriptor into {@code s.statx}. */
    static int fstatx(Scratch s, int fd, int mask) {
        return statx(s, fd, EMPTY, Linux.AT_EMPTY_PATH, mask);
    }

    /** statx of a path into {@code s.statx}; {@code follow} decides for a final symbolic link. */
    static int statx(Scratch s, NativePath path, boolean follow, int mask) {
        return statx(s, Linux.AT_FDCWD, path.segment, follow ? 0 : Linux.AT_SYMLINK_NOFOLLOW, mask);
    }

    private static int statx(Scratch s, int dirfd, MemorySegment path, int flags, int mask) {
        for (;;) {
            int r;
            try {
                r = (int) Statx.MH.invokeExact(s.errno, dirfd, path, flags, mask, s.statx);
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

    static int mkfifo(Scratch s, NativePath path, int mode) {
        for (;;) {
            int r;
            try {
                r = (int) Mkfifo.MH.invokeExact(s.errno, path.segment, mode);
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

    static int unlink(Scratch s, NativePath path) {
        int r;
        try {
            r = (int) Unlink.MH.invokeExact(s.errno, path.segment);
        } catch (Throwable t) {
            throw new AssertionError("unlink", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    static int flock(Scratch s, int fd, int operation) {
        for (;;) {
            int r;
            try {
                r = (int) Flock.MH.invokeExact(s.errno, fd, operation);
            } catch (Throwable t) {
                throw new AssertionError("flock", t);
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

    static int fchmod(Scratch s, int fd, int mode) {
        for (;;) {
            int r;
            try {
                r = (int) Fchmod.MH.invokeExact(s.errno, fd, mode);
            } catch (Throwable t) {
                throw new AssertionError("fchmod", t);
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

    /** Sets a descriptor's access and modification times, each given as seconds and nanoseconds. */
    static int futimens(Scratch s, int fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
        s.times.set(ValueLayout.JAVA_LONG, 0, atimeSec);
        s.times.set(ValueLayout.JAVA_LONG, 8, atimeNsec);
        s.times.set(ValueLayout.JAVA_LONG, 16, mtimeSec);
        s.times.set(ValueLayout.JAVA_LONG, 24, mtimeNsec);
        int r;
        try {
            r = (int) Futimens.MH.invokeExact(s.errno, fd, s.times);
        } catch (Throwable t) {
            throw new AssertionError("futimens", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    /**
     * poll(2) over {@code count} pollfd structs at {@code fds}. Blocks: call it only on a platform
     * thread the library owns. EINTR is returned, not retried, so that the caller can recompute
     * what is left of its timeout.
     */
    static int poll(Scratch s, MemorySegment fds, int count, int timeoutMillis) {
        int r;
        try {
            r = (int) Poll.MH.invokeExact(s.errno, fds, (long) count, timeoutMillis);
        } catch (Throwable t) {
            throw new AssertionError("poll", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    static int eventfd(Scratch s, int flags) {
        int r;
        try {
            r = (int) Eventfd.MH.invokeExact(s.errno, 0, flags);
        } catch (Throwable t) {
            throw new AssertionError("eventfd", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    /** Adds one to an eventfd counter, waking whoever polls it. */
    static int signal(Scratch s, int eventfd) {
        s.times.set(ValueLayout.JAVA_LONG, 0, 1L);
        long r;
        try {
            r = (long) Write.MH.invokeExact(s.errno, eventfd, s.times, 8L);
        } catch (Throwable t) {
            throw new AssertionError("write", t);
        }
        return r >= 0 ? 0 : -s.errno();
    }

    static int inotifyInit(Scratch s, int flags) {
        int r;
        try {
            r = (int) InotifyInit1.MH.invokeExact(s.errno, flags);
        } catch (Throwable t) {
            throw new AssertionError("inotify_init1", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    static int inotifyAddWatch(Scratch s, int fd, NativePath path, int mask) {
        int r;
        try {
            r = (int) InotifyAddWatch.MH.invokeExact(s.errno, fd, path.segment, mask);
        } catch (Throwable t) {
            throw new AssertionError("inotify_add_watch", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    /** read(2) into {@code buffer}; the byte count, or minus errno (EAGAIN when empty). */
    static long read(Scratch s, int fd, MemorySegment buffer) {
        long r;
        try {
            r = (long) Read.MH.invokeExact(s.errno, fd, buffer, buffer.byteSize());
        } catch (Throwable t) {
            throw new AssertionError("read", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    static int epollCreate(Scratch s) {
        int r;
        try {
            r = (int) EpollCreate1.MH.invokeExact(s.errno, Linux.EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw new AssertionError("epoll_create1", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    /** epoll_ctl with one struct epoll_event at {@code event} (may be NULL for EPOLL_CTL_DEL). */
    static int epollCtl(Scratch s, int epfd, int op, int fd, MemorySegment event) {
        int r;
        try {
            r = (int) EpollCtl.MH.invokeExact(s.errno, epfd, op, fd, event);
        } catch (Throwable t) {
            throw new AssertionError("epoll_ctl", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    /** epoll_wait; the number of events, or minus errno (EINTR included: the caller loops). */
    static int epollWait(Scratch s, int epfd, MemorySegment events, int max, int timeoutMillis) {
        int r;
        try {
            r = (int) EpollWait.MH.invokeExact(s.errno, epfd, events, max, timeoutMillis);
        } catch (Throwable t) {
            throw new AssertionError("epoll_wait", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    static int inotifyRmWatch(Scratch s, int fd, int wd) {
        int r;
        try {
            r = (int) InotifyRmWatch.MH.invokeExact(s.errno, fd, wd);
        } catch (Throwable t) {
            throw new AssertionError("inotify_rm_watch", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    /** rename(from, to) that fails with EEXIST rather than replace anything at {@code to}. */
    static int renameNoReplace(Scratch s, NativePath from, NativePath to) {
        return renameat2(s, from, to, Linux.RENAME_NOREPLACE);
    }

    /** Swaps what the two names name, atomically. Returns 0, or minus errno. */
    static int renameExchange(Scratch s, NativePath a, NativePath b) {
        return renameat2(s, a, b, Linux.RENAME_EXCHANGE);
    }

    private static int renameat2(Scratch s, NativePath from, NativePath to, int flags) {
        int r;
        try {
            r = (int) Renameat2.MH.invokeExact(s.errno, Linux.AT_FDCWD, from.segment, Linux.AT_FDCWD, to.segment, flags);
        } catch (Throwable t) {
            throw new AssertionError("renameat2", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    /**
     * A POSIX record lock request: F_SETLK with {@code type} F_RDLCK/F_UNLCK on the whole file, or
     * F_GETLK asking about F_WRLCK on its first byte, where every lifeline holder's POSIX lock
     * lies and none of the open-file-description locks ({@link #ofdLock}), which report no pid.
     * For F_GETLK returns the pid of a conflicting holder, 0 if none, or minus errno; for
     * F_SETLK, 0 or minus errno.
     */
    static int posixLock(Scratch s, int fd, int command, short type) {
        int r = recordLock(s, fd, command, type, 0, command == Linux.F_GETLK ? 1 : 0);
        if (r < 0) {
            return r;
        }
        MemorySegment lock = s.flock;
        if (command != Linux.F_GETLK || lock.get(ValueLayout.JAVA_SHORT, 0) == Linux.F_UNLCK) {
            return 0;
        }
        return Math.max(0, lock.get(JAVA_INT, Linux.FLOCK_PID)); // an OFD lock reports -1: unknown
    }

    /**
     * An open-file-description lock request on the file's second byte, apart from the POSIX
     * locks' first: F_OFD_SETLK with {@code type}, 0 or minus errno; or F_OFD_GETLK asking about
     * F_WRLCK, 1 if another lock owner (another open file, this process's POSIX locks included)
     * holds a conflicting lock there, 0 if none, minus errno.
     */
    static int ofdLock(Scratch s, int fd, int command, short type) {
        int r = recordLock(s, fd, command, type, 1, 1);
        if (r < 0 || command != Linux.F_OFD_GETLK) {
            return r;
        }
        return s.flock.get(ValueLayout.JAVA_SHORT, 0) == Linux.F_UNLCK ? 0 : 1;
    }

    private static int recordLock(Scratch s, int fd, int command, short type, long start, long length) {
        MemorySegment lock = s.flock;
        lock.fill((byte) 0); // l_whence SEEK_SET; l_pid 0, as OFD requests require
        lock.set(ValueLayout.JAVA_SHORT, 0, type);
        lock.set(ValueLayout.JAVA_LONG, Linux.FLOCK_START, start);
        lock.set(ValueLayout.JAVA_LONG, Linux.FLOCK_LEN, length); // 0: to the end, whatever it becomes
        int r;
        try {
            r = (int) FcntlLock.MH.invokeExact(s.errno, fd, command, lock);
        } catch (Throwable t) {
            throw new AssertionError("fcntl", t);
        }
        return r < 0 ? -s.errno() : 0;
    }

    /** Sets both times of {@code path} (not following a final link) to now; 0 or minus errno. */
    /** Sets both times of the file open at {@code fd} to now. Returns 0, or minus errno. */
    static int futimensNow(Scratch s, int fd) {
        return futimens(s, fd, 0L, Linux.UTIME_NOW, 0L, Linux.UTIME_NOW);
    }

    static int geteuid() {
        NativeAccess.require();
        try {
            return (int) Geteuid.MH.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("geteuid", t);
        }
    }
}
