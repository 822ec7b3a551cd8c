package dev.lifeline.internal.linux.jna;

import com.sun.jna.Native;
import dev.lifeline.internal.linux.Abi;
import java.lang.ref.Reference;
import java.util.List;

/**
 * posix_spawn and execve through JNA, for {@code internal.linux.Spawner}, which says what the
 * child gets and why. Rare calls: the memory of each is one {@link Block}.
 */
final class Spawn {
    private Spawn() {
    }

    /** {@link dev.lifeline.internal.linux.LinuxCalls#spawn}: the child's pid, or minus the error number. */
    static int spawn(int fd, int childFd, byte[] program, List<byte[]> argv, List<byte[]> envp) {
        NativeAccess.require();
        Block block = new Block(Abi.SPAWN_ACTIONS_SIZE + Abi.SPAWN_ATTR_SIZE + Abi.SIGSET_SIZE + 64
                + program.length + 16 + Block.sizeOf(argv) + Block.sizeOf(envp));
        try {
            long actions = block.take(Abi.SPAWN_ACTIONS_SIZE);
            long attr = block.take(Abi.SPAWN_ATTR_SIZE);
            long mask = block.take(Abi.SIGSET_SIZE);
            long pid = block.take(8);
            long file = block.string(program);
            long args = block.strings(argv);
            long env = block.strings(envp);
            int r = Libc.Spawn.posix_spawn_file_actions_init(actions);
            if (r != 0) {
                return -r;
            }
            try {
                r = Libc.Spawn.posix_spawnattr_init(attr);
                if (r != 0) {
                    return -r;
                }
                try {
                    // dup2 onto childFd makes a descriptor without FD_CLOEXEC: the one thing the
                    // child keeps. 0, 1 and 2 are inherited as they are; everything above is closed.
                    r = Libc.Spawn.posix_spawn_file_actions_adddup2(actions, fd, childFd);
                    if (r == 0) {
                        r = Libc.Spawn.posix_spawn_file_actions_addclosefrom_np(actions, childFd + 1);
                    }
                    if (r == 0) {
                        r = Libc.Spawn.sigemptyset(mask);
                    }
                    if (r == 0) {
                        r = Libc.Spawn.posix_spawnattr_setsigmask(attr, mask);
                    }
                    if (r == 0) {
                        r = Libc.Spawn.posix_spawnattr_setflags(attr, Abi.POSIX_SPAWN_SETSIGMASK);
                    }
                    if (r != 0) {
                        return -r;
                    }
                    r = Libc.Spawn.posix_spawn(pid, file, actions, attr, args, env);
                    return r == 0 ? block.buffer.getInt((int) (pid - block.address)) : -r;
                } finally {
                    Libc.Spawn.posix_spawnattr_destroy(attr);
                }
            } finally {
                Libc.Spawn.posix_spawn_file_actions_destroy(actions);
            }
        } finally {
            Reference.reachabilityFence(block);
        }
    }

    /** {@link dev.lifeline.internal.linux.LinuxCalls#exec}: minus errno, returned only if execve failed. */
    static int exec(int fd, byte[] program, List<byte[]> argv, List<byte[]> envp) {
        NativeAccess.require();
        Block block = new Block(Abi.SIGSET_SIZE + 32 + program.length + 16 + Block.sizeOf(argv) + Block.sizeOf(envp));
        try {
            long mask = block.take(Abi.SIGSET_SIZE);
            long file = block.string(program);
            long args = block.strings(argv);
            long env = block.strings(envp);
            if (Libc.Exec.close_range(3, -1, Abi.CLOSE_RANGE_CLOEXEC) != 0) {
                return -Native.getLastError();
            }
            if (Libc.Exec.fcntl(fd, Abi.F_SETFD, 0) != 0) {
                return -Native.getLastError();
            }
            Libc.Exec.sigemptyset(mask);
            Libc.Exec.sigprocmask(Abi.SIG_SETMASK, mask, 0L);
            Libc.Exec.execve(file, args, env);
            int errno = Native.getLastError();
            // Still here: execve failed. The descriptor must not leak into programs the JVM starts.
            Libc.Exec.fcntl(fd, Abi.F_SETFD, 1);
            return -errno;
        } finally {
            Reference.reachabilityFence(block);
        }
    }
}
