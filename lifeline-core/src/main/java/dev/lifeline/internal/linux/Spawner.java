package dev.lifeline.internal.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import static dev.lifeline.internal.linux.Downcalls.ERRNO;
import static dev.lifeline.internal.linux.Downcalls.link;

import dev.lifeline.internal.posix.ChildEnvironment;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;

/**
 * Handing a held beacon to another program: {@code posix_spawn} of a child that inherits the
 * descriptor, or {@code execve} of this process. Internal usage only.
 *
 * <p>The descriptor crosses as number 3 in a spawned child ({@code LIFELINE_FD=3}, as systemd
 * passes LISTEN_FDS from 3), and as itself across execve; every other descriptor above 2 is
 * closed or marked close-on-exec, so that nothing of the JVM leaks into the program. The signal
 * mask is emptied: a program must not start with signals blocked because a JVM thread had them.
 */
final class Spawner {
    private static final int CHILD_FD = ChildEnvironment.CHILD_FD;

    private Spawner() {
    }

    private static final class Spawn {
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

    /**
     * Starts {@code path} with {@code argv} and {@code env} as a child holding {@code beaconFd} as
     * descriptor 3. Returns the child's pid, or minus errno.
     */
    static int spawn(int beaconFd, String path, List<String> argv, Map<String, String> env) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(Abi.SPAWN_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(Abi.SPAWN_ATTR_SIZE, 16);
            MemorySegment mask = arena.allocate(Abi.SIGSET_SIZE, 16);
            MemorySegment pid = arena.allocate(JAVA_INT);
            int r = (int) Spawn.ACTIONS_INIT.invokeExact(actions);
            if (r != 0) {
                return -r;
            }
            try {
                r = (int) Spawn.ATTR_INIT.invokeExact(attr);
                if (r != 0) {
                    return -r;
                }
                try {
                    // dup2 onto 3 makes a descriptor without FD_CLOEXEC: the one thing the child
                    // keeps. 0, 1 and 2 are inherited as they are; everything from 4 up is closed.
                    r = (int) Spawn.ACTIONS_DUP2.invokeExact(actions, beaconFd, CHILD_FD);
                    if (r == 0) {
                        r = (int) Spawn.ACTIONS_CLOSEFROM.invokeExact(actions, CHILD_FD + 1);
                    }
                    if (r == 0) {
                        r = (int) Spawn.SIGEMPTYSET.invokeExact(mask);
                    }
                    if (r == 0) {
                        r = (int) Spawn.ATTR_SETSIGMASK.invokeExact(attr, mask);
                    }
                    if (r == 0) {
                        r = (int) Spawn.ATTR_SETFLAGS.invokeExact(attr, Abi.POSIX_SPAWN_SETSIGMASK);
                    }
                    if (r != 0) {
                        return -r;
                    }
                    r = (int) Spawn.MH.invokeExact(pid, cString(arena, path), actions, attr,
                            strings(arena, argv), byteStrings(arena, ChildEnvironment.of(env, CHILD_FD)));
                    return r == 0 ? pid.get(JAVA_INT, 0) : -r;
                } finally {
                    int ignored = (int) Spawn.ATTR_DESTROY.invokeExact(attr);
                }
            } finally {
                int ignored = (int) Spawn.ACTIONS_DESTROY.invokeExact(actions);
            }
        } catch (Throwable t) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError("posix_spawn", t);
        }
    }

    /**
     * Replaces this process with {@code path}, keeping {@code beaconFd} open (and only it, above
     * 2). Returns minus errno if execve fails; does not return otherwise. On failure the JVM's
     * descriptors are left close-on-exec, which changes nothing for the JVM itself.
     */
    static int exec(int beaconFd, String path, List<String> argv, Map<String, String> env) {
        Scratch s = Scratch.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = cString(arena, path);
            MemorySegment args = strings(arena, argv);
            MemorySegment envp = byteStrings(arena, ChildEnvironment.of(env, beaconFd));
            MemorySegment mask = arena.allocate(Abi.SIGSET_SIZE, 16);
            int r = (int) Exec.CLOSE_RANGE.invokeExact(s.errno, 3, -1, Abi.CLOSE_RANGE_CLOEXEC);
            if (r != 0) {
                return -s.errno();
            }
            r = (int) Exec.FCNTL_INT.invokeExact(s.errno, beaconFd, Abi.F_SETFD, 0);
            if (r != 0) {
                return -s.errno();
            }
            r = (int) Spawn.SIGEMPTYSET.invokeExact(mask);
            r = (int) Exec.SIGPROCMASK.invokeExact(Abi.SIG_SETMASK, mask, MemorySegment.NULL);
            r = (int) Exec.EXECVE.invokeExact(s.errno, file, args, envp);
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

    private static MemorySegment cString(Arena arena, String s) {
        return cString(arena, ChildEnvironment.bytes(s));
    }

    private static MemorySegment cString(Arena arena, byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("NUL character in an argument or the environment");
            }
        }
        MemorySegment segment = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    private static MemorySegment strings(Arena arena, List<String> values) {
        return byteStrings(arena, ChildEnvironment.bytes(values));
    }

    /** A NULL-terminated array of C strings, as argv and envp are. */
    private static MemorySegment byteStrings(Arena arena, List<byte[]> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, cString(arena, values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }
}
