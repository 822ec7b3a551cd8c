package dev.lifeline.internal.linux.ffm;

import static dev.lifeline.internal.linux.ffm.Downcalls.ERRNO;
import static dev.lifeline.internal.linux.ffm.Downcalls.link;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** waitpid, waitid and kill for the children; socket and sendto for sd_notify. Each returns its result, or minus errno. */
final class ProcessCalls {
    private ProcessCalls() {
    }

    private static final class Wait {
        static final MethodHandle WAITPID = link("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
        static final MethodHandle WAITID = link("waitid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
                ERRNO);
    }

    private static final class Kill {
        static final MethodHandle MH = link("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class Socket {
        static final MethodHandle MH = link("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class SendTo {
        static final MethodHandle MH = link("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    static int waitpid(Scratch s, int pid, MemorySegment status, int options) {
        int r;
        try {
            r = (int) Wait.WAITPID.invokeExact(s.errno, pid, status, options);
        } catch (Throwable t) {
            throw new AssertionError("waitpid", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    static int waitid(Scratch s, int idType, int id, MemorySegment info, int options) {
        int r;
        try {
            r = (int) Wait.WAITID.invokeExact(s.errno, idType, id, info, options);
        } catch (Throwable t) {
            throw new AssertionError("waitid", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    static int kill(Scratch s, int pid, int signal) {
        int r;
        try {
            r = (int) Kill.MH.invokeExact(s.errno, pid, signal);
        } catch (Throwable t) {
            throw new AssertionError("kill", t);
        }
        return r == 0 ? 0 : -s.errno();
    }

    static int socket(Scratch s, int domain, int type, int protocol) {
        int r;
        try {
            r = (int) Socket.MH.invokeExact(s.errno, domain, type, protocol);
        } catch (Throwable t) {
            throw new AssertionError("socket", t);
        }
        return r >= 0 ? r : -s.errno();
    }

    static long sendto(Scratch s, int fd, MemorySegment message, long length, MemorySegment address, int addressLength) {
        long r;
        try {
            r = (long) SendTo.MH.invokeExact(s.errno, fd, message, length, 0, address, addressLength);
        } catch (Throwable t) {
            throw new AssertionError("sendto", t);
        }
        return r >= 0 ? r : -s.errno();
    }
}
