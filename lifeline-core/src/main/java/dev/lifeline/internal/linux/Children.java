package dev.lifeline.internal.linux;

import static dev.lifeline.internal.linux.Downcalls.ERRNO;
import static dev.lifeline.internal.linux.Downcalls.link;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.lifeline.internal.posix.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** The children of this process: waiting for them, reaping them as an init must, signalling them. */
final class Children {
    private Children() {
    }

    private static final class Wait {
        static final MethodHandle WAITPID = link("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
        static final MethodHandle WAITID = link("waitid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
                ERRNO);
        static final MethodHandle KILL = link("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    }

    /**
     * Waits for the child {@code pid} to end (blocking: call on a platform thread) and returns its
     * status as a shell reports it: the exit code, or 128 + the signal that killed it. Minus errno
     * on failure.
     */
    static int waitFor(int pid) {
        Scratch s = Scratch.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            for (;;) {
                int r = (int) Wait.WAITPID.invokeExact(s.errno, pid, status, 0);
                if (r == pid) {
                    int st = status.get(JAVA_INT, 0);
                    int signal = st & 0x7f;
                    return signal == 0 ? (st >> 8) & 0xff : 128 + signal;
                }
                int e = s.errno();
                if (r < 0 && e != Errno.EINTR) {
                    return -e;
                }
            }
        } catch (Throwable t) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError("waitpid", t);
        }
    }

    /**
     * Reaps, as an init must, every child of this process as it ends, except {@code keep}, whose
     * status is left for {@link #waitFor}. Returns once {@code keep} has ended, or this process has
     * no child left (ECHILD): 0, or minus errno. Blocks: call on a platform thread.
     *
     * <p>{@code waitid(P_ALL, WEXITED | WNOWAIT)} says which child has ended without reaping it, so
     * {@code keep}'s status is never taken; any other is then reaped by its pid. Orphans that the
     * kernel hands to PID 1 (a container's entrypoint) are thus reaped instead of piling up as
     * zombies. Statuses of children started otherwise (ProcessBuilder) would be taken too: only for
     * a process that starts none.
     */
    static int reapAllBut(int keep) {
        Scratch s = Scratch.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Abi.SIGINFO_SIZE, 8);
            MemorySegment status = arena.allocate(JAVA_INT);
            for (;;) {
                info.fill((byte) 0);
                int r = (int) Wait.WAITID.invokeExact(s.errno, Abi.P_ALL, 0, info, Abi.WEXITED | Abi.WNOWAIT);
                if (r < 0) {
                    int e = s.errno();
                    if (e == Errno.EINTR) {
                        continue;
                    }
                    return e == Errno.ECHILD ? 0 : -e;
                }
                int pid = info.get(JAVA_INT, Abi.SIGINFO_PID);
                if (pid == keep) {
                    return 0;
                }
                if (pid > 0) {
                    // An orphan's status is nobody's: reaped and dropped.
                    int reaped = (int) Wait.WAITPID.invokeExact(s.errno, pid, status, Abi.WNOHANG);
                }
            }
        } catch (Throwable t) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError("waitid", t);
        }
    }

    /** Sends {@code signal} to {@code pid}; 0, or minus errno. */
    static int kill(int pid, int signal) {
        Scratch s = Scratch.get();
        try {
            int r = (int) Wait.KILL.invokeExact(s.errno, pid, signal);
            return r == 0 ? 0 : -s.errno();
        } catch (Throwable t) {
            throw new AssertionError("kill", t);
        }
    }
}
