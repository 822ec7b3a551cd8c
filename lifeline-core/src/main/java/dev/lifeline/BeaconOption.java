package dev.lifeline;

/**
 * How {@link Beacon#open(java.nio.file.Path, BeaconOption...)} holds a beacon.
 *
 * <p>Concurrency: an enum; safe for concurrent use.
 */
public enum BeaconOption {
    /**
     * Be the only holder: {@code flock(LOCK_EX|LOCK_NB)} on the FIFO. While this holder lives,
     * opening the same beacon again, exclusive or not, in any process, fails with
     * {@link Fault#HELD}. The kernel drops the lock however the process ends, so this is a
     * single-instance guard that a crash cannot leave stuck. Without this option a beacon takes a
     * shared lock: any number of non-exclusive holders may share it, and none may be exclusive.
     */
    EXCLUSIVE,
    /**
     * Leave the FIFO in place on {@link Beacon#close()}. Probes then report DEAD, not ABSENT, as
     * they would after a crash. Without this option the last holder removes the FIFO it opened.
     */
    KEEP_ON_CLOSE,
    /**
     * Hold the beacon even where the strict checks object: in a directory that others could
     * rearrange (writable by others without the sticky bit, or owned by another user, here or
     * above), or on a remote file system. Without this option, {@code open} refuses those with
     * {@link Fault#UNSAFE_DIRECTORY} or {@link Fault#REMOTE_FILE_SYSTEM}: whoever can rearrange
     * the directory can make a dead daemon look alive.
     */
    TRUST_DIRECTORY
}
