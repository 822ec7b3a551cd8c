package dev.lifeline.internal.posix;

import dev.lifeline.internal.NativePath;

/**
 * The system calls the FIFO protocol makes, in POSIX terms: what a backend implements for
 * {@link FifoProbe}, {@link FifoHold} and the handles they give out. Each returns the result when
 * it is not negative, else minus errno in {@link Errno}'s numbering (Linux's: a backend for another
 * kernel translates); EINTR is retried below this interface, so no caller ever sees it.
 *
 * <p>What a stat call finds lands in the calling thread's {@link CallState}, which the caller
 * reads right after: no call allocates.
 */
public interface Syscalls {
    /** The calling thread's state, passed to every call it makes. */
    CallState state();

    /**
     * Opens the write end of the FIFO at {@code path}, non-blocking, close-on-exec, never as a
     * controlling terminal; following a final symbolic link unless {@code noFollow}. ENXIO: no reader.
     */
    int openWriter(CallState s, NativePath path, boolean noFollow);

    /** Opens the read end, non-blocking, close-on-exec, never following a final symbolic link. */
    int openReader(CallState s, NativePath path);

    /** Closes {@code fd}; never retried (the descriptor is gone even on EINTR). */
    int close(CallState s, int fd);

    /** Type, mode, owner, device, inode, times and link count of the open file, into the state. */
    int fstat(CallState s, int fd);

    /** As {@link #fstat}, of a path; {@code follow} decides for a final symbolic link. */
    int stat(CallState s, NativePath path, boolean follow);

    int mkfifo(CallState s, NativePath path, int mode);

    int unlink(CallState s, NativePath path);

    /** {@code flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB)}: EWOULDBLOCK when another holds it. */
    int lock(CallState s, int fd, boolean exclusive);

    int fchmod(CallState s, int fd, int mode);

    /** Sets the access and modification times of the open file. */
    int setTimes(CallState s, int fd, long atimeSeconds, long atimeNanos, long mtimeSeconds, long mtimeNanos);

    /** Sets both times of the open file to now. */
    int touch(CallState s, int fd);

    /** Renames, failing with EEXIST rather than replace anything; EINVAL or ENOSYS where it cannot. */
    int renameNoReplace(CallState s, NativePath from, NativePath to);

    /** Swaps what the two names name, atomically; EINVAL or ENOSYS where it cannot. */
    int renameExchange(CallState s, NativePath a, NativePath b);

    /**
     * Announces this process as a holder: a POSIX read lock on the whole file, which
     * {@link #lockHolderPid} reports with this pid, and which a process drops when it closes any
     * descriptor of the file.
     */
    int announceProcess(CallState s, int fd);

    /** The pid of another process's POSIX lock on the file's first byte; 0 if none; minus errno. */
    int lockHolderPid(CallState s, int fd);

    /** Announces this open file as a holder's: an open-file-description read lock on the second byte, inherited with it. */
    int announceOpenFile(CallState s, int fd);

    /** 1 if another open file announces a holder ({@link #announceOpenFile}), 0 if none, minus errno. */
    int openFileAnnounced(CallState s, int fd);

    int geteuid();
}
