package dev.lifeline.internal.linux.ffm;

import static dev.lifeline.internal.linux.ffm.Downcalls.ERRNO;
import static dev.lifeline.internal.linux.ffm.Downcalls.link;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.lifeline.internal.linux.Abi;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * posix_spawn and execve through the FFM API, for {@code internal.linux.Spawner}, which says what
 * the child gets and why. The arguments arrive as C strings' bytes, checked for NUL already.
 */
final class Spawn {
    private Spawn() {
    }

    private static final class PosixSpawn {
        // posix_spawn returns the error number itself; errno is not used.
        static final MethodHandle MH = link("posix_spawn",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle ACTIONS_INIT = link("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle ACTIONS_DUP2 = link("posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle ACTIONS_CLOSEFROM = link("posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle ACTIONS_DESTROY = link("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle ATTR_INIT = link("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle ATTR_SETFLAGS = link("posix_spawnattr_setflags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
        static final MethodHandle ATTR_SETSIGMASK = link("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle ATTR_DESTROY = link("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle SIGEMPTYSET = link("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static final class Exec {
        static final MethodHandle EXECVE = link("execve", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), ERRNO);
        static final MethodHandle CLOSE_RANGE = link("close_range",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
        static final MethodHandle FCNTL_INT = link("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                ERRNO, Linker.Option.firstVariadicArg(2));
        static final MethodHandle SIGPROCMASK = link("sigprocmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    /** {@link dev.lifeline.internal.linux.LinuxCalls#spawn}: the child's pid, or minus the error number. */
    static int spawn(int beaconFd, int childFd, byte[] path, List<byte[]> argv, List<byte[]> envp) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(Abi.SPAWN_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(Abi.SPAWN_ATTR_SIZE, 16);
            MemorySegment mask = arena.allocate(Abi.SIGSET_SIZE, 16);
            MemorySegment pid = arena.allocate(JAVA_INT);
            int r = (int) PosixSpawn.ACTIONS_INIT.invokeExact(actions);
            if (r != 0) {
                return -r;
            }
            try {
                r = (int) PosixSpawn.ATTR_INIT.invokeExact(attr);
                if (r != 0) {
                    return -r;
                }
                try {
                    // dup2 onto 3 makes a descriptor without FD_CLOEXEC: the one thing the child
                    // keeps. 0, 1 and 2 are inherited as they are; everything from 4 up is closed.
                    r = (int) PosixSpawn.ACTIONS_DUP2.invokeExact(actions, beaconFd, childFd);
                    if (r == 0) {
                        r = (int) PosixSpawn.ACTIONS_CLOSEFROM.invokeExact(actions, childFd + 1);
                    }
                    if (r == 0) {
                        r = (int) PosixSpawn.SIGEMPTYSET.invokeExact(mask);
                    }
                    if (r == 0) {
                        r = (int) PosixSpawn.ATTR_SETSIGMASK.invokeExact(attr, mask);
                    }
                    if (r == 0) {
                        r = (int) PosixSpawn.ATTR_SETFLAGS.invokeExact(attr, Abi.POSIX_SPAWN_SETSIGMASK);
                    }
                    if (r != 0) {
                        return -r;
                    }
                    r = (int) PosixSpawn.MH.invokeExact(pid, cString(arena, path), actions, attr,
                            cStrings(arena, argv), cStrings(arena, envp));
                    return r == 0 ? pid.get(JAVA_INT, 0) : -r;
                } finally {
                    int ignored = (int) PosixSpawn.ATTR_DESTROY.invokeExact(attr);
                }
            } finally {
                int ignored = (int) PosixSpawn.ACTIONS_DESTROY.invokeExact(actions);
            }
        } catch (Throwable t) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError("posix_spawn", t);
        }
    }

    /** {@link dev.lifeline.internal.linux.LinuxCalls#exec}: minus errno, returned only if execve failed. */
    static int exec(int beaconFd, byte[] path, List<byte[]> argv, List<byte[]> envp) {
        Scratch s = Scratch.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = cString(arena, path);
            MemorySegment args = cStrings(arena, argv);
            MemorySegment env = cStrings(arena, envp);
            MemorySegment mask = arena.allocate(Abi.SIGSET_SIZE, 16);
            int r = (int) Exec.CLOSE_RANGE.invokeExact(s.errno, 3, -1, Abi.CLOSE_RANGE_CLOEXEC);
            if (r != 0) {
                return -s.errno();
            }
            r = (int) Exec.FCNTL_INT.invokeExact(s.errno, beaconFd, Abi.F_SETFD, 0);
            if (r != 0) {
                return -s.errno();
            }
            r = (int) PosixSpawn.SIGEMPTYSET.invokeExact(mask);
            r = (int) Exec.SIGPROCMASK.invokeExact(Abi.SIG_SETMASK, mask, MemorySegment.NULL);
            r = (int) Exec.EXECVE.invokeExact(s.errno, file, args, env);
            int errno = s.errno();
            // Still here: execve failed. The beacon must not leak into programs the JVM starts.
            int ignored = (int) Exec.FCNTL_INT.invokeExact(s.errno, beaconFd, Abi.F_SETFD, 1);
            return -errno;
        } catch (Throwable t) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError("execve", t);
        }
    }

    /** A NUL-terminated copy of {@code bytes} (the arena's memory is zeroed). */
    private static MemorySegment cString(Arena arena, byte[] bytes) {
        MemorySegment segment = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    /** A NULL-terminated array of C strings, as argv and envp are. */
    private static MemorySegment cStrings(Arena arena, List<byte[]> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, cString(arena, values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }
}
