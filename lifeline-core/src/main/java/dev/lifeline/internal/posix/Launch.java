package dev.lifeline.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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
public final class Launch {
    /** The environment variable that names the inherited beacon descriptor. */
    public static final String ENV = "LIFELINE_FD";
    /** The descriptor number a spawned child finds the beacon at. */
    public static final int CHILD_FD = 3;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Charset CHARSET = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"),
            StandardCharsets.UTF_8);

    private Launch() {
    }

    private static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("lifeline: the C library has no function " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

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

    private static final class Wait {
        static final MethodHandle WAITPID = link("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
        static final MethodHandle WAITID = link("waitid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
                ERRNO);
        static final MethodHandle KILL = link("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    }

    /**
     * Starts {@code path} with {@code argv} and {@code env} as a child holding {@code beaconFd} as
     * descriptor 3. Returns the child's pid, or minus errno.
     */
    public static int spawn(int beaconFd, String path, List<String> argv, Map<String, String> env) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(Linux.SPAWN_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(Linux.SPAWN_ATTR_SIZE, 16);
            MemorySegment mask = arena.allocate(Linux.SIGSET_SIZE, 16);
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
                        r = (int) Spawn.ATTR_SETFLAGS.invokeExact(attr, Linux.POSIX_SPAWN_SETSIGMASK);
                    }
                    if (r != 0) {
                        return -r;
                    }
                    r = (int) Spawn.MH.invokeExact(pid, cString(arena, path), actions, attr,
                            strings(arena, argv), environment(arena, env, CHILD_FD));
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
    public static int exec(int beaconFd, String path, List<String> argv, Map<String, String> env) {
        LibC.Scratch s = LibC.scratch();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = cString(arena, path);
            MemorySegment args = strings(arena, argv);
            MemorySegment envp = environment(arena, env, beaconFd);
            MemorySegment mask = arena.allocate(Linux.SIGSET_SIZE, 16);
            int r = (int) Exec.CLOSE_RANGE.invokeExact(s.errno, 3, -1, Linux.CLOSE_RANGE_CLOEXEC);
            if (r != 0) {
                return -s.errno();
            }
            r = (int) Exec.FCNTL_INT.invokeExact(s.errno, beaconFd, Linux.F_SETFD, 0);
            if (r != 0) {
                return -s.errno();
            }
            r = (int) Spawn.SIGEMPTYSET.invokeExact(mask);
            r = (int) Exec.SIGPROCMASK.invokeExact(Linux.SIG_SETMASK, mask, MemorySegment.NULL);
            r = (int) Exec.EXECVE.invokeExact(s.errno, file, args, envp);
            int errno = s.errno();
            // Still here: execve failed. The beacon must not leak into programs the JVM starts.
            int ignored = (int) Exec.FCNTL_INT.invokeExact(s.errno, beaconFd, Linux.F_SETFD, 1);
            return -errno;
        } catch (Throwable t) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError("execve", t);
        }
    }

    /**
     * Waits for the child {@code pid} to end (blocking: call on a platform thread) and returns its
     * status as a shell reports it: the exit code, or 128 + the signal that killed it. Minus errno
     * on failure.
     */
    public static int waitFor(int pid) {
        LibC.Scratch s = LibC.scratch();
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
    public static int reapAllBut(int keep) {
        LibC.Scratch s = LibC.scratch();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Linux.SIGINFO_SIZE, 8);
            MemorySegment status = arena.allocate(JAVA_INT);
            for (;;) {
                info.fill((byte) 0);
                int r = (int) Wait.WAITID.invokeExact(s.errno, Linux.P_ALL, 0, info, Linux.WEXITED | Linux.WNOWAIT);
                if (r < 0) {
                    int e = s.errno();
                    if (e == Errno.EINTR) {
                        continue;
                    }
                    return e == Errno.ECHILD ? 0 : -e;
                }
                int pid = info.get(JAVA_INT, Linux.SIGINFO_PID);
                if (pid == keep) {
                    return 0;
                }
                if (pid > 0) {
                    // An orphan's status is nobody's: reaped and dropped.
                    int reaped = (int) Wait.WAITPID.invokeExact(s.errno, pid, status, Linux.WNOHANG);
                }
            }
        } catch (Throwable t) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError("waitid", t);
        }
    }

    /** Whether a status from {@link #waitFor} means the child exited by itself (not by a signal). */
    public static boolean exitedNormally(int status) {
        return status >= 0 && status < 128;
    }

    /** Sends {@code signal} to {@code pid}; 0, or minus errno. */
    public static int kill(int pid, int signal) {
        LibC.Scratch s = LibC.scratch();
        try {
            int r = (int) Wait.KILL.invokeExact(s.errno, pid, signal);
            return r == 0 ? 0 : -s.errno();
        } catch (Throwable t) {
            throw new AssertionError("kill", t);
        }
    }

    private static MemorySegment cString(Arena arena, String s) {
        return cString(arena, s.getBytes(CHARSET));
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
        return byteStrings(arena, values.stream().map(v -> v.getBytes(CHARSET)).toList());
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

    /** Set by the ./lifeline launcher when it gave the JVM LC_ALL=C.UTF-8 for names' sake. */
    static final String LOCALE_CHANGED = "LIFELINE_LOCALE_CHANGED";
    /** The caller's own LC_ALL, which the launcher keeps here; absent if the caller had none. */
    static final String CALLER_LC_ALL = "LIFELINE_CALLER_LC_ALL";

    /**
     * The child's environment: this process's own, as the kernel handed it over (byte for byte,
     * from /proc/self/environ: System.getenv() has decoded it with the locale's charset, which
     * would turn bytes that are not UTF-8 into U+FFFD), without {@code env}'s round trip; then
     * LIFELINE_FD set to {@code fd}. Where the ./lifeline launcher switched the JVM's locale
     * ({@value #LOCALE_CHANGED}), its switch is undone: the caller's LC_ALL comes back as it was,
     * or goes if it was unset, so the program sees exactly the caller's environment. {@code env}
     * is used only if /proc/self/environ cannot be read.
     */
    private static MemorySegment environment(Arena arena, Map<String, String> env, int fd) {
        List<byte[]> entries = inheritedEnvironment();
        if (entries == null) {
            entries = new java.util.ArrayList<>();
            for (Map.Entry<String, String> e : env.entrySet()) {
                entries.add((e.getKey() + "=" + e.getValue()).getBytes(CHARSET));
            }
        }
        boolean switched = entries.stream().anyMatch(e -> named(e, LOCALE_CHANGED));
        List<byte[]> kept = new java.util.ArrayList<>();
        for (byte[] e : entries) {
            if (named(e, ENV) || switched && (named(e, LOCALE_CHANGED) || named(e, "LC_ALL"))) {
                continue;
            }
            if (switched && named(e, CALLER_LC_ALL)) {
                byte[] restored = new byte["LC_ALL".length() + e.length - CALLER_LC_ALL.length()];
                System.arraycopy("LC_ALL".getBytes(StandardCharsets.US_ASCII), 0, restored, 0, "LC_ALL".length());
                System.arraycopy(e, CALLER_LC_ALL.length(), restored, "LC_ALL".length(), e.length - CALLER_LC_ALL.length());
                kept.add(restored);
                continue;
            }
            kept.add(e);
        }
        kept.add((ENV + "=" + fd).getBytes(StandardCharsets.US_ASCII));
        return byteStrings(arena, kept);
    }

    /** Whether {@code entry} ({@code NAME=value}) sets {@code name}. */
    private static boolean named(byte[] entry, String name) {
        int n = name.length();
        if (entry.length <= n || entry[n] != '=') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (entry[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The environment this process was started with, entry by entry; null if it cannot be read. */
    private static List<byte[]> inheritedEnvironment() {
        byte[] all;
        try {
            all = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/environ"));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        List<byte[]> entries = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == 0) {
                if (i > start) {
                    entries.add(java.util.Arrays.copyOfRange(all, start, i));
                }
                start = i + 1;
            }
        }
        return entries;
    }
}
