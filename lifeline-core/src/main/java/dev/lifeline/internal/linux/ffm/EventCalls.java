package dev.lifeline.internal.linux.ffm;

import dev.lifeline.internal.linux.Abi;

import static dev.lifeline.internal.linux.ffm.Downcalls.ERRNO;
import static dev.lifeline.internal.linux.ffm.Downcalls.link;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lifeline.internal.NativePath;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The calls that wait for events: poll, epoll, inotify, eventfd, and the reads and writes of their
 * descriptors. Each returns its result, or minus errno; EINTR is returned, not retried, so that a
 * caller can recompute what is left of its timeout. They block: call them only on a platform
 * thread the library owns.
 */
final class EventCalls {
    private EventCalls() {
    }

    private static final class Poll {
        static final MethodHandle MH = link("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO);
    }

    private static final class Eventfd {
        // (unsigned int initval, int flags): the same shape as flock and fchmod.
        static final MethodHandle MH = link("eventfd", LinuxSyscalls.INT_INT, ERRNO);
    }

    private static final class Write {
        static final MethodHandle MH = link("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    }

    private static final class Read {
        static final MethodHandle MH = link("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    }

    private static final class InotifyInit1 {
        static final MethodHandle MH = link("inotify_init1", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class InotifyAddWatch {
        static final MethodHandle MH = link("inotify_add_watch",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    private static final class InotifyRmWatch {
        static final MethodHandle MH = link("inotify_rm_watch", LinuxSyscalls.INT_INT, ERRNO);
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

    /** poll(2) over {@code count} pollfd structs at {@code fds}. */
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

    /** write(2) of {@code length} bytes at {@code buffer}: the count, or minus errno. */
    static long write(Scratch s, int fd, MemorySegment buffer, long length) {
        long r;
        try {
            r = (long) Write.MH.invokeExact(s.errno, fd, buffer, length);
        } catch (Throwable t) {
            throw new AssertionError("write", t);
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

    static int inotifyInit(Scratch s) {
        int r;
        try {
            r = (int) InotifyInit1.MH.invokeExact(s.errno, Abi.IN_CLOEXEC | Abi.IN_NONBLOCK);
        } catch (Throwable t) {
            throw new AssertionError("inotify_init1", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    static int inotifyAddWatch(Scratch s, int fd, NativePath path, int mask) {
        int r;
        try {
            r = (int) InotifyAddWatch.MH.invokeExact(s.errno, fd, LinuxSyscalls.cString(path), mask);
        } catch (Throwable t) {
            throw new AssertionError("inotify_add_watch", t);
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

    static int epollCreate(Scratch s) {
        int r;
        try {
            r = (int) EpollCreate1.MH.invokeExact(s.errno, Abi.EPOLL_CLOEXEC);
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
}
