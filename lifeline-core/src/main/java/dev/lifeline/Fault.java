package dev.lifeline;

/**
 * Why lifeline could not give an answer, or refused to hold a beacon. A fault is never a
 * verdict on the daemon: a check that meets one reports {@link Status.State#UNKNOWN}, not DEAD.
 *
 * <p>Concurrency: an enum; safe for concurrent use.
 */
public enum Fault {
    /** Something other than a FIFO is at the path: a regular file, directory, socket, device. */
    NOT_A_FIFO,
    /** The beacon path is a symbolic link; a beacon is only held at the FIFO's own name. */
    SYMLINK,
    /** A FIFO is at the beacon path but another user owns it; it was left untouched. */
    NOT_OWNER,
    /** Another live process holds the beacon in a way that excludes this holder. */
    HELD,
    /** Permission denied ({@code EACCES}, {@code EPERM}) on the path or a directory on the way. */
    ACCESS_DENIED,
    /** A component on the way to the path is not a directory ({@code ENOTDIR}). */
    NOT_A_DIRECTORY,
    /** The directory that should hold a new beacon does not exist ({@code ENOENT} on create). */
    NO_SUCH_DIRECTORY,
    /** The path or one of its names is too long ({@code ENAMETOOLONG}). */
    NAME_TOO_LONG,
    /** The process or the system is out of file descriptors ({@code EMFILE}, {@code ENFILE}). */
    TOO_MANY_OPEN_FILES,
    /** Too many symbolic links on the way, or a loop of them ({@code ELOOP}). */
    SYMLINK_LOOP,
    /** The beacon's directory is on a read-only file system ({@code EROFS}). */
    READ_ONLY_FILE_SYSTEM,
    /** No space or no inode left for a new FIFO ({@code ENOSPC}, {@code EDQUOT}). */
    NO_SPACE,
    /**
     * The beacon's directory, or one above it, can be rearranged by others: writable by others
     * without the sticky bit, or owned by a user other than root and the holder. Refused unless
     * {@link BeaconOption#TRUST_DIRECTORY}.
     */
    UNSAFE_DIRECTORY,
    /**
     * The beacon's directory is on a file system shared between hosts (NFS, SMB, ...), where a
     * FIFO shows only the readers of one host. Refused unless {@link BeaconOption#TRUST_DIRECTORY}.
     */
    REMOTE_FILE_SYSTEM,
    /** Any other failure; {@link Status#errno()} or {@link BeaconException#errno()} names it. */
    OTHER
}
