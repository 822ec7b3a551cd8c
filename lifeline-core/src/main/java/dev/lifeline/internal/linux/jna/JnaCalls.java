package dev.lifeline.internal.linux.jna;

import com.sun.jna.Native;
import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.linux.Abi;
import dev.lifeline.internal.linux.LinuxCalls;
import dev.lifeline.internal.posix.CallState;
import dev.lifeline.internal.posix.Errno;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The Linux calls through JNA (net.java.dev.jna:jna), for Java 17 to 21, where the FFM API is not
 * final; also on any Java when {@code lifeline.backend=jna}. The only package of lifeline that
 * refers to {@code com.sun.jna}; made by {@code LinuxPlatform}, by name, only once it has found
 * JNA on the class path.
 *
 * <p>Nothing of JNA runs when this class is loaded or made: JNA loads its native library (from its
 * jar, unpacked into {@code ~/.cache/JNA/temp}, or {@code java.io.tmpdir} where that cannot be
 * written; {@code jna.tmpdir} and {@code jna.boot.library.path} choose otherwise) on the first
 * call, and a failure there is reported by every call, in one exception
 * naming its cause, never as a {@code NoClassDefFoundError} of whichever class came second.
 *
 * <p>A steady-state check allocates nothing: the functions are bound by direct mapping
 * ({@link Libc}), their arguments are primitives (addresses as {@code long}), the stat results
 * land in the thread's {@link JnaState}, and errno is read with {@link Native#getLastError()}.
 */
public final class JnaCalls implements LinuxCalls {
    private static final int PROBE_FLAGS = Abi.O_WRONLY | Abi.O_NONBLOCK | Abi.O_CLOEXEC | Abi.O_NOCTTY;
    private static final int HOLD_FLAGS = Abi.O_RDONLY | Abi.O_NONBLOCK | Abi.O_CLOEXEC | Abi.O_NOFOLLOW | Abi.O_NOCTTY;
    /** All a caller reads: the kernel fills these from the inode in one go anyway. */
    private static final int STATX_MASK = Abi.STATX_TYPE | Abi.STATX_MODE | Abi.STATX_UID | Abi.STATX_INO
            | Abi.STATX_ATIME | Abi.STATX_MTIME | Abi.STATX_NLINK;

    public JnaCalls() {
    }

    @Override
    public void warnIfNoAccess() {
        NativeAccess.warnIfMissing();
    }

    @Override
    public JnaState state() {
        NativeAccess.require();
        return JnaState.get();
    }

    @Override
    public ByteBuffer allocate(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    /** A NUL-terminated copy in a {@link Block}: freed with its path. */
    @Override
    public Object nativeForm(byte[] bytes) {
        NativeAccess.require();
        Block block = new Block(bytes.length + 1);
        block.buffer.put(0, bytes);
        return block;
    }

    private static Block cString(NativePath path) {
        return (Block) path.nativeForm();
    }

    @Override
    public int openWriter(CallState s, NativePath path, boolean noFollow) {
        return open(path, noFollow ? PROBE_FLAGS | Abi.O_NOFOLLOW : PROBE_FLAGS);
    }

    @Override
    public int openReader(CallState s, NativePath path) {
        return open(path, HOLD_FLAGS);
    }

    private static int open(NativePath path, int flags) {
        Block name = cString(path);
        try {
            for (;;) {
                int r = Libc.Check.openat(Abi.AT_FDCWD, name.address, flags, 0);
                if (r >= 0) {
                    return r;
                }
                int e = Native.getLastError();
                if (e != Errno.EINTR) {
                    return -e;
                }
            }
        } finally {
            Reference.reachabilityFence(name);
        }
    }

    /** Never retried: on Linux the descriptor is released even when close reports EINTR. */
    @Override
    public int close(CallState s, int fd) {
        return Libc.Check.close(fd) == 0 ? 0 : -Native.getLastError();
    }

    @Override
    public int fstat(CallState s, int fd) {
        return statx((JnaState) s, fd, NativeAccess.Bound.EMPTY, Abi.AT_EMPTY_PATH);
    }

    @Override
    public int stat(CallState s, NativePath path, boolean follow) {
        return statx((JnaState) s, Abi.AT_FDCWD, cString(path), follow ? 0 : Abi.AT_SYMLINK_NOFOLLOW);
    }

    private static int statx(JnaState s, int dirfd, Block path, int flags) {
        try {
            for (;;) {
                if (Libc.Check.statx(dirfd, path.address, flags, STATX_MASK, s.statx()) == 0) {
                    return 0;
                }
                int e = Native.getLastError();
                if (e != Errno.EINTR) {
                    return -e;
                }
            }
        } finally {
            Reference.reachabilityFence(path);
            Reference.reachabilityFence(s);
        }
    }

    @Override
    public int mkfifo(CallState s, NativePath path, int mode) {
        Block name = cString(path);
        try {
            for (;;) {
                if (Libc.Files.mkfifo(name.address, mode) == 0) {
                    return 0;
                }
                int e = Native.getLastError();
                if (e != Errno.EINTR) {
                    return -e;
                }
            }
        } finally {
            Reference.reachabilityFence(name);
        }
    }

    @Override
    public int unlink(CallState s, NativePath path) {
        Block name = cString(path);
        try {
            return Libc.Files.unlink(name.address) == 0 ? 0 : -Native.getLastError();
        } finally {
            Reference.reachabilityFence(name);
        }
    }

    @Override
    public int lock(CallState s, int fd, boolean exclusive) {
        int operation = (exclusive ? Abi.LOCK_EX : Abi.LOCK_SH) | Abi.LOCK_NB;
        for (;;) {
            if (Libc.Files.flock(fd, operation) == 0) {
                return 0;
            }
            int e = Native.getLastError();
            if (e != Errno.EINTR) {
                return -e;
            }
        }
    }

    @Override
    public int fchmod(CallState s, int fd, int mode) {
        for (;;) {
            if (Libc.Files.fchmod(fd, mode) == 0) {
                return 0;
            }
            int e = Native.getLastError();
            if (e != Errno.EINTR) {
                return -e;
            }
        }
    }

    @Override
    public int setTimes(CallState state, int fd, long atimeSeconds, long atimeNanos, long mtimeSeconds, long mtimeNanos) {
        JnaState s = (JnaState) state;
        ByteBuffer b = s.block.buffer;
        b.putLong(JnaState.TIMES, atimeSeconds);
        b.putLong(JnaState.TIMES + 8, atimeNanos);
        b.putLong(JnaState.TIMES + 16, mtimeSeconds);
        b.putLong(JnaState.TIMES + 24, mtimeNanos);
        try {
            return Libc.Files.futimens(fd, s.times()) == 0 ? 0 : -Native.getLastError();
        } finally {
            Reference.reachabilityFence(s);
        }
    }

    @Override
    public int touch(CallState s, int fd) {
        return setTimes(s, fd, 0L, Abi.UTIME_NOW, 0L, Abi.UTIME_NOW);
    }

    @Override
    public int renameNoReplace(CallState s, NativePath from, NativePath to) {
        return renameat2(from, to, Abi.RENAME_NOREPLACE);
    }

    @Override
    public int renameExchange(CallState s, NativePath a, NativePath b) {
        return renameat2(a, b, Abi.RENAME_EXCHANGE);
    }

    private static int renameat2(NativePath from, NativePath to, int flags) {
        Block a = cString(from);
        Block b = cString(to);
        try {
            return Libc.Files.renameat2(Abi.AT_FDCWD, a.address, Abi.AT_FDCWD, b.address, flags) == 0 ? 0 : -Native.getLastError();
        } finally {
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(b);
        }
    }

    /**
     * POSIX record locks: a holder's on the whole file; F_GETLK asks about F_WRLCK on the first
     * byte, where every lifeline holder's POSIX lock lies and none of the open-file-description
     * locks, which report no pid (-1).
     */
    @Override
    public int announceProcess(CallState s, int fd) {
        return recordLock((JnaState) s, fd, Abi.F_SETLK, Abi.F_RDLCK, 0, 0);
    }

    @Override
    public int lockHolderPid(CallState state, int fd) {
        JnaState s = (JnaState) state;
        int r = recordLock(s, fd, Abi.F_GETLK, Abi.F_WRLCK, 0, 1);
        if (r < 0 || s.block.buffer.getShort(JnaState.FLOCK) == Abi.F_UNLCK) {
            return r;
        }
        return Math.max(0, s.block.buffer.getInt(JnaState.FLOCK + Abi.FLOCK_PID)); // an OFD lock reports -1: unknown
    }

    /** Open-file-description locks on the file's second byte, apart from the POSIX locks' first. */
    @Override
    public int announceOpenFile(CallState s, int fd) {
        return recordLock((JnaState) s, fd, Abi.F_OFD_SETLK, Abi.F_RDLCK, 1, 1);
    }

    @Override
    public int openFileAnnounced(CallState state, int fd) {
        JnaState s = (JnaState) state;
        int r = recordLock(s, fd, Abi.F_OFD_GETLK, Abi.F_WRLCK, 1, 1);
        if (r < 0) {
            return r;
        }
        return s.block.buffer.getShort(JnaState.FLOCK) == Abi.F_UNLCK ? 0 : 1;
    }

    private static int recordLock(JnaState s, int fd, int command, short type, long start, long length) {
        ByteBuffer b = s.block.buffer;
        for (int i = 0; i < Abi.FLOCK_SIZE; i += 8) {
            b.putLong(JnaState.FLOCK + i, 0L); // l_whence SEEK_SET; l_pid 0, as OFD requests require
        }
        b.putShort(JnaState.FLOCK, type);
        b.putLong(JnaState.FLOCK + Abi.FLOCK_START, start);
        b.putLong(JnaState.FLOCK + Abi.FLOCK_LEN, length); // 0: to the end, whatever it becomes
        try {
            return Libc.Files.fcntl(fd, command, s.flock()) < 0 ? -Native.getLastError() : 0;
        } finally {
            Reference.reachabilityFence(s);
        }
    }

    @Override
    public int geteuid() {
        NativeAccess.require();
        return Libc.Files.geteuid();
    }

    @Override
    public int poll(CallState s, ByteBuffer fds, int count, int timeoutMillis) {
        int r = Libc.Events.poll(fds, count, timeoutMillis);
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public int eventfd(CallState s, int flags) {
        int r = Libc.Events.eventfd(0, flags);
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public long write(CallState s, int fd, ByteBuffer buffer, int length) {
        long r = Libc.Events.write(fd, buffer, length);
        return r >= 0 ? r : -Native.getLastError();
    }

    /** JNA passes the buffer's address plus its position: the length is what remains. */
    @Override
    public long read(CallState s, int fd, ByteBuffer buffer) {
        long r = Libc.Events.read(fd, buffer, buffer.remaining());
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public int inotifyInit(CallState s) {
        int r = Libc.Events.inotify_init1(Abi.IN_CLOEXEC | Abi.IN_NONBLOCK);
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public int inotifyAddWatch(CallState s, int fd, NativePath path, int mask) {
        Block name = cString(path);
        try {
            int r = Libc.Events.inotify_add_watch(fd, name.address, mask);
            return r >= 0 ? r : -Native.getLastError();
        } finally {
            Reference.reachabilityFence(name);
        }
    }

    @Override
    public int inotifyRmWatch(CallState s, int fd, int wd) {
        return Libc.Events.inotify_rm_watch(fd, wd) == 0 ? 0 : -Native.getLastError();
    }

    @Override
    public int epollCreate(CallState s) {
        int r = Libc.Events.epoll_create1(Abi.EPOLL_CLOEXEC);
        return r >= 0 ? r : -Native.getLastError();
    }

    /** A null event passes NULL, as EPOLL_CTL_DEL allows. */
    @Override
    public int epollCtl(CallState s, int epfd, int op, int fd, ByteBuffer event) {
        return Libc.Events.epoll_ctl(epfd, op, fd, event) == 0 ? 0 : -Native.getLastError();
    }

    @Override
    public int epollWait(CallState s, int epfd, ByteBuffer events, int max, int timeoutMillis) {
        int r = Libc.Events.epoll_wait(epfd, events, max, timeoutMillis);
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public int waitpid(CallState s, int pid, ByteBuffer status, int options) {
        int r = Libc.Processes.waitpid(pid, status, options);
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public int waitid(CallState s, int idType, int id, ByteBuffer info, int options) {
        int r = Libc.Processes.waitid(idType, id, info, options);
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public int kill(CallState s, int pid, int signal) {
        return Libc.Processes.kill(pid, signal) == 0 ? 0 : -Native.getLastError();
    }

    @Override
    public int socket(CallState s, int domain, int type, int protocol) {
        int r = Libc.Processes.socket(domain, type, protocol);
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public long sendto(CallState s, int fd, ByteBuffer message, int length, ByteBuffer address, int addressLength) {
        long r = Libc.Processes.sendto(fd, message, length, 0, address, addressLength);
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public int spawn(int fd, int childFd, byte[] program, List<byte[]> argv, List<byte[]> envp) {
        return Spawn.spawn(fd, childFd, program, argv, envp);
    }

    @Override
    public int exec(int fd, byte[] program, List<byte[]> argv, List<byte[]> envp) {
        return Spawn.exec(fd, program, argv, envp);
    }
}
