package dev.lifeline.internal;

import java.io.IOException;

/**
 * A system call's failure as lifeline reports it to its users: an {@link IOException} that also
 * carries the errno's C name, for code that must tell one failure from another.
 */
public final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String errnoName;

    public NativeException(String message, String errnoName) {
        super(message);
        this.errnoName = errnoName;
    }

    /** The errno's C name, such as {@code "EACCES"}. */
    public String errnoName() {
        return errnoName;
    }
}
