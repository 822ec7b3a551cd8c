package dev.lifeline.internal.linux.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;

/**
 * The C library's functions, bound by JNA's direct mapping: {@code static native} methods that
 * the JVM calls like any JNI method, with no proxy, no boxing and no argument array, so that a call
 * allocates nothing on the Java heap. Each group is a class of its own, bound on first use, so that
 * a command that checks one path binds only {@code openat}, {@code statx} and {@code close}.
 *
 * <p>Addresses cross as {@code long}: every parameter then is a primitive, which JNA passes as it
 * is (a {@code Pointer} would be read through JNI on every call). The caller keeps the memory
 * reachable across the call. A {@link ByteBuffer} parameter is a direct buffer from
 * {@link JnaCalls#allocate}: JNA passes its address (plus its position) without a copy.
 *
 * <p>errno: JNA saves it right after each direct call into storage of the calling thread, where
 * {@link Native#getLastError()} reads it. No method declares {@code LastErrorException}, which
 * would make JNA throw (and allocate) on every failing call, such as the ENXIO of a dead check.
 */
final class Libc {
    private Libc() {
    }

    /** The C library, opened once by whichever group binds first. */
    private static final class Library {
        static final NativeLibrary C = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
    }

    /**
     * The calls of a check. openat is variadic (its mode); declaring it fixed passes the mode
     * where a variadic int goes on x86_64 and on Linux aarch64, and libffi sets AL on x86_64 for
     * every call, as a variadic callee may read it.
     */
    static final class Check {
        static {
            Native.register(Check.class, Library.C);
        }

        private Check() {
        }

        /** Binds this group now. */
        static void bind() {
        }

        static native int openat(int dirfd, long path, int flags, int mode);

        static native int statx(int dirfd, long path, int flags, int mask, long statx);

        static native int close(int fd);
    }

    /** The calls of holding, announcing and finding a beacon. */
    static final class Files {
        static {
            Native.register(Files.class, Library.C);
        }

        private Files() {
        }

        static native int mkfifo(long path, int mode);

        static native int unlink(long path);

        static native int flock(int fd, int operation);

        static native int fchmod(int fd, int mode);

        static native int futimens(int fd, long times);

        static native int renameat2(int olddirfd, long oldpath, int newdirfd, long newpath, int flags);

        /** fcntl with a struct flock (variadic, its third argument a pointer). */
        static native int fcntl(int fd, int command, long lock);

        static native int geteuid();
    }

    /** The calls that wait for events, and the reads and writes of their descriptors. */
    static final class Events {
        static {
            Native.register(Events.class, Library.C);
        }

        private Events() {
        }

        static native int poll(ByteBuffer fds, long count, int timeout);

        static native int eventfd(int initval, int flags);

        static native long write(int fd, ByteBuffer buffer, long count);

        static native long read(int fd, ByteBuffer buffer, long count);

        static native int inotify_init1(int flags);

        static native int inotify_add_watch(int fd, long path, int mask);

        static native int inotify_rm_watch(int fd, int wd);

        static native int epoll_create1(int flags);

        static native int epoll_ctl(int epfd, int op, int fd, ByteBuffer event);

        static native int epoll_wait(int epfd, ByteBuffer events, int max, int timeout);
    }

    /** Children, signals, and the datagram of a notification. */
    static final class Processes {
        static {
            Native.register(Processes.class, Library.C);
        }

        private Processes() {
        }

        static native int waitpid(int pid, ByteBuffer status, int options);

        static native int waitid(int idtype, int id, ByteBuffer info, int options);

        static native int kill(int pid, int signal);

        static native int socket(int domain, int type, int protocol);

        static native long sendto(int fd, ByteBuffer message, long length, int flags, ByteBuffer address, int addressLength);
    }

    /** posix_spawn and what it takes; each returns the error number itself, not through errno. */
    static final class Spawn {
        static {
            Native.register(Spawn.class, Library.C);
        }

        private Spawn() {
        }

        static native int posix_spawn(long pid, long path, long actions, long attr, long argv, long envp);

        static native int posix_spawn_file_actions_init(long actions);

        static native int posix_spawn_file_actions_adddup2(long actions, int fd, int newfd);

        static native int posix_spawn_file_actions_addclosefrom_np(long actions, int from);

        static native int posix_spawn_file_actions_destroy(long actions);

        static native int posix_spawnattr_init(long attr);

        static native int posix_spawnattr_setflags(long attr, short flags);

        static native int posix_spawnattr_setsigmask(long attr, long mask);

        static native int posix_spawnattr_destroy(long attr);

        static native int sigemptyset(long mask);
    }

    /** What replacing this process takes. */
    static final class Exec {
        static {
            Native.register(Exec.class, Library.C);
        }

        private Exec() {
        }

        static native int close_range(int first, int last, int flags);

        /** fcntl with an int (variadic): F_SETFD. */
        static native int fcntl(int fd, int command, int argument);

        static native int sigemptyset(long mask);

        static native int sigprocmask(int how, long set, long old);

        static native int execve(long path, long argv, long envp);
    }
}
