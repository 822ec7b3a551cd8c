package dev.lifeline.internal;

import java.nio.file.Path;

/**
 * Why a beacon could not be held, in the backend's words: a refusal of lifeline's own (something
 * else is at the path, another holder excludes this one, ...) or a failed call with its errno.
 * The public package turns it into a {@code BeaconException}; nothing else sees it.
 */
public final class HoldException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong; each but ERRNO is the public fault of the same name. */
    public enum Reason {
        /** A call failed: {@link #errno()} says why. */
        ERRNO,
        SYMLINK,
        NOT_A_FIFO,
        NOT_OWNER,
        HELD,
        NO_SUCH_DIRECTORY,
        OTHER
    }

    private final transient Path path;
    private final Reason reason;
    private final int errno;
    private final String errnoName;

    /**
     * @param errno the errno, or 0 when the refusal is lifeline's own
     * @param errnoName the C name of the errno, or null
     * @param detail the sentence that ends "PATH ..." or "PATH: ...", as today's messages read
     */
    public HoldException(Path path, Reason reason, int errno, String errnoName, String detail) {
        super(detail, null, false, false);
        this.path = path;
        this.reason = reason;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    public Path path() {
        return path;
    }

    public Reason reason() {
        return reason;
    }

    public int errno() {
        return errno;
    }

    /** The errno's C name, or null for a refusal of lifeline's own. */
    public String errnoName() {
        return errnoName;
    }
}
