package dev.lifeline.internal.linux.jdk;

import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.linux.Abi;
import dev.lifeline.internal.linux.LinuxCalls;
import dev.lifeline.internal.posix.CallState;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;

/**
 * The calls of a check (open for writing, fstat, stat, close) through the natives the JDK has
 * already linked for its own file system ({@link UnixDispatcher}), every other call through the
 * backend it wraps (FFM, or JNA). Chosen only by {@code lifeline.backend=jdk}, which the lifeline
 * command passes to check, status and wait, with {@code --add-opens java.base/sun.nio.fs} and
 * {@code -Djdk.reflect.useNativeAccessorOnly=true}: a command that checks once and exits would
 * otherwise spend most of its time above an empty JVM linking FFM downcalls (measured in
 * bench/cli-startup.sh; issue 17). Where the JDK's natives cannot be had, {@code Backends} uses
 * the wrapped backend alone.
 *
 * <p>The same system calls with the same flags as the other backends (the JDK's open takes the
 * flags as given; its stat is statx where the kernel has it), so every answer is theirs. Unlike
 * them it allocates on each call (boxed results, the JDK's exceptions): for a command that checks
 * and exits, not for a program that checks in a loop.
 */
public final class JdkCalls implements LinuxCalls {
    private static final int PROBE_FLAGS = Abi.O_WRONLY | Abi.O_NONBLOCK | Abi.O_CLOEXEC | Abi.O_NOCTTY;

    private final Supplier<LinuxCalls> make;
    private volatile LinuxCalls made;

    /**
     * @param other makes the backend for every call but the check's, when one is first made
     * @throws UnsupportedOperationException saying why, where the JDK's natives cannot be used
     */
    public JdkCalls(Supplier<LinuxCalls> other) {
        if (UnixDispatcher.PROBLEM != null) {
            throw new UnsupportedOperationException(UnixDispatcher.PROBLEM);
        }
        this.make = other;
    }

    /** The other backend, made on first use (a check never needs it), and its warning given then. */
    private LinuxCalls other() {
        LinuxCalls other = made;
        if (other == null) {
            synchronized (this) {
                other = made;
                if (other == null) {
                    other = make.get();
                    other.warnIfNoAccess();
                    made = other;
                }
            }
        }
        return other;
    }

    /** The path as the JDK's calls take it (its own path object), and as the other backend's do. */
    private static final class JdkPath {
        final Object unixPath;
        final byte[] bytes;
        /** The other backend's form, made on first use: a check never needs it. */
        volatile Object otherForm;

        JdkPath(byte[] bytes) {
            this.bytes = bytes;
            this.unixPath = UnixDispatcher.newInstance(UnixDispatcher.NEW_PATH, UnixDispatcher.FILE_SYSTEM, bytes);
        }
    }

    @Override
    public Object nativeForm(byte[] bytes) {
        return new JdkPath(bytes.clone());
    }

    private static Object unixPath(NativePath path) {
        return ((JdkPath) path.nativeForm()).unixPath;
    }

    /** {@code path} as the other backend takes it. Two threads may each make one: both are good. */
    private NativePath other(NativePath path) {
        JdkPath form = (JdkPath) path.nativeForm();
        Object otherForm = form.otherForm;
        if (otherForm == null) {
            otherForm = other().nativeForm(form.bytes);
            form.otherForm = otherForm;
        }
        return path.withNativeForm(otherForm);
    }

    @Override
    public CallState state() {
        return JdkState.get();
    }

    @Override
    public int openWriter(CallState s, NativePath path, boolean noFollow) {
        return UnixDispatcher.call(UnixDispatcher.OPEN, unixPath(path), noFollow ? PROBE_FLAGS | Abi.O_NOFOLLOW : PROBE_FLAGS, 0);
    }

    @Override
    public int close(CallState s, int fd) {
        return UnixDispatcher.call(UnixDispatcher.CLOSE, fd);
    }

    @Override
    public int fstat(CallState s, int fd) {
        JdkState state = (JdkState) s;
        int r = UnixDispatcher.call(UnixDispatcher.FSTAT, fd, state.attributes);
        if (r == 0) {
            state.read();
        }
        return r;
    }

    @Override
    public int stat(CallState s, NativePath path, boolean follow) {
        JdkState state = (JdkState) s;
        int r = UnixDispatcher.call(follow ? UnixDispatcher.STAT : UnixDispatcher.LSTAT, unixPath(path), state.attributes);
        if (r == 0) {
            state.read();
        }
        return r;
    }

    // Everything else: the other backend, with its own per-thread state (these calls leave
    // nothing in it that a caller reads back but through their results and buffers).

    @Override
    public int openReader(CallState s, NativePath path) {
        LinuxCalls other = other();
        return other.openReader(other.state(), other(path));
    }

    @Override
    public int mkfifo(CallState s, NativePath path, int mode) {
        LinuxCalls other = other();
        return other.mkfifo(other.state(), other(path), mode);
    }

    @Override
    public int unlink(CallState s, NativePath path) {
        LinuxCalls other = other();
        return other.unlink(other.state(), other(path));
    }

    @Override
    public int lock(CallState s, int fd, boolean exclusive) {
        LinuxCalls other = other();
        return other.lock(other.state(), fd, exclusive);
    }

    @Override
    public int fchmod(CallState s, int fd, int mode) {
        LinuxCalls other = other();
        return other.fchmod(other.state(), fd, mode);
    }

    @Override
    public int setTimes(CallState s, int fd, long atimeSeconds, long atimeNanos, long mtimeSeconds, long mtimeNanos) {
        LinuxCalls other = other();
        return other.setTimes(other.state(), fd, atimeSeconds, atimeNanos, mtimeSeconds, mtimeNanos);
    }

    @Override
    public int touch(CallState s, int fd) {
        LinuxCalls other = other();
        return other.touch(other.state(), fd);
    }

    @Override
    public int renameNoReplace(CallState s, NativePath from, NativePath to) {
        LinuxCalls other = other();
        return other.renameNoReplace(other.state(), other(from), other(to));
    }

    @Override
    public int renameExchange(CallState s, NativePath a, NativePath b) {
        LinuxCalls other = other();
        return other.renameExchange(other.state(), other(a), other(b));
    }

    @Override
    public int announceProcess(CallState s, int fd) {
        LinuxCalls other = other();
        return other.announceProcess(other.state(), fd);
    }

    /** From /proc/locks where it says for sure (a status asks for every live beacon), else F_GETLK. */
    @Override
    public int lockHolderPid(CallState s, int fd) {
        JdkState state = (JdkState) s;
        if (fstat(state, fd) == 0) {
            int pid = ProcLocks.holderPid(state.dev(), state.ino());
            if (pid != ProcLocks.UNSURE) {
                return pid;
            }
        }
        LinuxCalls other = other();
        return other.lockHolderPid(other.state(), fd);
    }

    @Override
    public int announceOpenFile(CallState s, int fd) {
        LinuxCalls other = other();
        return other.announceOpenFile(other.state(), fd);
    }

    @Override
    public int openFileAnnounced(CallState s, int fd) {
        LinuxCalls other = other();
        return other.openFileAnnounced(other.state(), fd);
    }

    @Override
    public int geteuid() {
        return other().geteuid();
    }

    @Override
    public ByteBuffer allocate(int size) {
        return other().allocate(size);
    }

    /** Given by the other backend when it is made: the JDK's own natives need no native access. */
    @Override
    public void warnIfNoAccess() {
    }

    @Override
    public int poll(CallState s, ByteBuffer fds, int count, int timeoutMillis) {
        LinuxCalls other = other();
        return other.poll(other.state(), fds, count, timeoutMillis);
    }

    @Override
    public int eventfd(CallState s, int flags) {
        LinuxCalls other = other();
        return other.eventfd(other.state(), flags);
    }

    @Override
    public long write(CallState s, int fd, ByteBuffer buffer, int length) {
        LinuxCalls other = other();
        return other.write(other.state(), fd, buffer, length);
    }

    @Override
    public long read(CallState s, int fd, ByteBuffer buffer) {
        LinuxCalls other = other();
        return other.read(other.state(), fd, buffer);
    }

    @Override
    public int inotifyInit(CallState s) {
        LinuxCalls other = other();
        return other.inotifyInit(other.state());
    }

    @Override
    public int inotifyAddWatch(CallState s, int fd, NativePath path, int mask) {
        LinuxCalls other = other();
        return other.inotifyAddWatch(other.state(), fd, other(path), mask);
    }

    @Override
    public int inotifyRmWatch(CallState s, int fd, int wd) {
        LinuxCalls other = other();
        return other.inotifyRmWatch(other.state(), fd, wd);
    }

    @Override
    public int epollCreate(CallState s) {
        LinuxCalls other = other();
        return other.epollCreate(other.state());
    }

    @Override
    public int epollCtl(CallState s, int epfd, int op, int fd, ByteBuffer event) {
        LinuxCalls other = other();
        return other.epollCtl(other.state(), epfd, op, fd, event);
    }

    @Override
    public int epollWait(CallState s, int epfd, ByteBuffer events, int max, int timeoutMillis) {
        LinuxCalls other = other();
        return other.epollWait(other.state(), epfd, events, max, timeoutMillis);
    }

    @Override
    public int waitpid(CallState s, int pid, ByteBuffer status, int options) {
        LinuxCalls other = other();
        return other.waitpid(other.state(), pid, status, options);
    }

    @Override
    public int waitid(CallState s, int idType, int id, ByteBuffer info, int options) {
        LinuxCalls other = other();
        return other.waitid(other.state(), idType, id, info, options);
    }

    @Override
    public int kill(CallState s, int pid, int signal) {
        LinuxCalls other = other();
        return other.kill(other.state(), pid, signal);
    }

    @Override
    public int socket(CallState s, int domain, int type, int protocol) {
        LinuxCalls other = other();
        return other.socket(other.state(), domain, type, protocol);
    }

    @Override
    public long sendto(CallState s, int fd, ByteBuffer message, int length, ByteBuffer address, int addressLength) {
        LinuxCalls other = other();
        return other.sendto(other.state(), fd, message, length, address, addressLength);
    }

    @Override
    public int spawn(int fd, int childFd, byte[] program, List<byte[]> argv, List<byte[]> envp) {
        return other().spawn(fd, childFd, program, argv, envp);
    }

    @Override
    public int exec(int fd, byte[] program, List<byte[]> argv, List<byte[]> envp) {
        return other().exec(fd, program, argv, envp);
    }
}
