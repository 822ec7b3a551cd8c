package dev.lifeline.internal.linux;

import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.posix.CallState;
import dev.lifeline.internal.posix.Syscalls;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The Linux calls lifeline makes beyond the FIFO protocol's {@link Syscalls}: what a native
 * backend implements, once per way of reaching C. {@code internal.linux.ffm} implements it with
 * the FFM API (Java 22 and newer), {@code internal.linux.jna} with JNA (Java 17 to 21); the Linux
 * logic above it (the epoll loop, inotify, the waits, the children) is written once, here.
 *
 * <p>Memory crosses as <em>direct</em> {@link ByteBuffer}s in native byte order, made by
 * {@link #allocate}: the logic reads and writes structs through them at the offsets of {@link Abi},
 * and a backend hands their address to C. Like {@link Syscalls}, each call returns its result when
 * not negative, else minus errno; unlike them, these return EINTR rather than retry, so that a
 * caller can recompute what is left of its timeout. The waiting calls block: only on a platform
 * thread the library owns.
 */
public interface LinuxCalls extends Syscalls {
    /** Direct, zeroed, native-order memory of {@code size} bytes, freed when unreachable. */
    ByteBuffer allocate(int size);

    /** The form of a path's bytes (no NUL among them) that this backend's calls take. */
    Object nativeForm(byte[] bytes);

    /**
     * Called once, when the platform is made: warns, in lifeline's words and before the JDK's own
     * generic warning, if this JVM will deny the backend native access.
     */
    void warnIfNoAccess();

    /** poll(2) over {@code count} struct pollfd at the start of {@code fds}. */
    int poll(CallState s, ByteBuffer fds, int count, int timeoutMillis);

    /** eventfd(0, flags). */
    int eventfd(CallState s, int flags);

    /** write(2) of the first {@code length} bytes of {@code buffer}. */
    long write(CallState s, int fd, ByteBuffer buffer, int length);

    /** read(2) into the whole of {@code buffer}: the count; minus EAGAIN when there is nothing. */
    long read(CallState s, int fd, ByteBuffer buffer);

    /** inotify_init1(IN_CLOEXEC | IN_NONBLOCK). */
    int inotifyInit(CallState s);

    int inotifyAddWatch(CallState s, int fd, NativePath path, int mask);

    int inotifyRmWatch(CallState s, int fd, int wd);

    /** epoll_create1(EPOLL_CLOEXEC). */
    int epollCreate(CallState s);

    /** epoll_ctl with one struct epoll_event at the start of {@code event}; null for EPOLL_CTL_DEL. */
    int epollCtl(CallState s, int epfd, int op, int fd, ByteBuffer event);

    /** epoll_wait into {@code events}, at most {@code max}: the number of events. */
    int epollWait(CallState s, int epfd, ByteBuffer events, int max, int timeoutMillis);

    /** waitpid(2), the status as an int at the start of {@code status}: the pid. */
    int waitpid(CallState s, int pid, ByteBuffer status, int options);

    /** waitid(2) into a siginfo_t at the start of {@code info}. */
    int waitid(CallState s, int idType, int id, ByteBuffer info, int options);

    int kill(CallState s, int pid, int signal);

    /** socket(2). */
    int socket(CallState s, int domain, int type, int protocol);

    /** sendto(2) of the first {@code length} bytes of {@code message} to the first {@code addressLength} of {@code address}. */
    long sendto(CallState s, int fd, ByteBuffer message, int length, ByteBuffer address, int addressLength);

    /**
     * posix_spawn of {@code program} with {@code argv} and {@code envp} (each a C string's bytes,
     * no NUL among them): the child gets {@code fd} as descriptor {@code childFd} (dup2, so without
     * FD_CLOEXEC), descriptors 0 to 2 as they are, every other closed, and an empty signal mask.
     * The child's pid, or minus the error number.
     */
    int spawn(int fd, int childFd, byte[] program, List<byte[]> argv, List<byte[]> envp);

    /**
     * execve of {@code program} keeping {@code fd} (its FD_CLOEXEC cleared; every other descriptor
     * above 2 marked close-on-exec) with an empty signal mask. Returns minus errno only if execve
     * failed, having set {@code fd} close-on-exec again.
     */
    int exec(int fd, byte[] program, List<byte[]> argv, List<byte[]> envp);
}
