package dev.lifeline;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A beacon could not be held at a path. Carries the path, the {@link Fault}, the C name of the
 * errno where a system call failed, and a reason; {@link #getMessage()} composes them as
 * {@code "/run/x: is a regular file, not a FIFO; left untouched"}.
 */
public class BeaconException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    private final Fault fault;
    private final String errno;

    /**
     * @param path   the beacon path
     * @param fault  what went wrong
     * @param errno  the C name of the errno, or {@code null} when no system call failed
     * @param reason a short human explanation
     */
    public BeaconException(Path path, Fault fault, String errno, String reason) {
        super(path.toString(), null, errno == null ? reason : reason + " (" + errno + ")");
        this.fault = Objects.requireNonNull(fault, "fault");
        this.errno = errno;
    }

    /** What went wrong. */
    public Fault fault() {
        return fault;
    }

    /** The C name of the errno behind the failure, such as {@code "EACCES"}, if a call failed. */
    public Optional<String> errno() {
        return Optional.ofNullable(errno);
    }
}
