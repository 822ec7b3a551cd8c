package dev.lifeline.internal.linux;

import dev.lifeline.internal.posix.CallState;
import dev.lifeline.internal.posix.Errno;
import java.nio.ByteBuffer;

/** The children of this process: waiting for them, reaping them as an init must, signalling them. */
final class Children {
    private Children() {
    }

    /**
     * Waits for the child {@code pid} to end (blocking: call on a platform thread) and returns its
     * status as a shell reports it: the exit code, or 128 + the signal that killed it. Minus errno
     * on failure.
     */
    static int waitFor(LinuxCalls calls, int pid) {
        CallState s = calls.state();
        ByteBuffer status = calls.allocate(4);
        for (;;) {
            int r = calls.waitpid(s, pid, status, 0);
            if (r == pid) {
                int st = status.getInt(0);
                int signal = st & 0x7f;
                return signal == 0 ? (st >> 8) & 0xff : 128 + signal;
            }
            if (r < 0 && r != -Errno.EINTR) {
                return r;
            }
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
    static int reapAllBut(LinuxCalls calls, int keep) {
        CallState s = calls.state();
        ByteBuffer info = calls.allocate(Abi.SIGINFO_SIZE);
        ByteBuffer status = calls.allocate(4);
        for (;;) {
            for (int i = 0; i < Abi.SIGINFO_SIZE; i += 8) {
                info.putLong(i, 0L);
            }
            int r = calls.waitid(s, Abi.P_ALL, 0, info, Abi.WEXITED | Abi.WNOWAIT);
            if (r < 0) {
                if (r == -Errno.EINTR) {
                    continue;
                }
                return r == -Errno.ECHILD ? 0 : r;
            }
            int pid = info.getInt(Abi.SIGINFO_PID);
            if (pid == keep) {
                return 0;
            }
            if (pid > 0) {
                // An orphan's status is nobody's: reaped and dropped.
                calls.waitpid(s, pid, status, Abi.WNOHANG);
            }
        }
    }
}
