package dev.lifeline;

import dev.lifeline.internal.HoldException;
import dev.lifeline.internal.NativeException;
import dev.lifeline.internal.Outcome;
import dev.lifeline.internal.Platform;
import java.nio.file.Path;

/**
 * The one place where what the platform reports (minus errno, a refusal to hold) becomes what
 * lifeline's users see: a {@link Status} UNKNOWN with its {@link Fault}, a {@link BeaconException},
 * or an {@link java.io.IOException} that carries the errno's name. What an errno means is decided
 * by its C name, which every POSIX system shares, not by its number, which they do not.
 */
final class Failures {
    private static final Platform PLATFORM = Platform.current();

    private Failures() {
    }

    /** What a failure means, for an errno that is not an answer in itself (ENXIO, ENOENT are). */
    static Fault fault(String errnoName) {
        return switch (errnoName) {
            case "EACCES", "EPERM" -> Fault.ACCESS_DENIED;
            case "ENOTDIR" -> Fault.NOT_A_DIRECTORY;
            case "ENAMETOOLONG" -> Fault.NAME_TOO_LONG;
            case "EMFILE", "ENFILE" -> Fault.TOO_MANY_OPEN_FILES;
            case "ELOOP" -> Fault.SYMLINK_LOOP;
            case "EISDIR", "ETXTBSY" -> Fault.NOT_A_FIFO;
            case "EROFS" -> Fault.READ_ONLY_FILE_SYSTEM;
            case "ENOSPC", "EDQUOT" -> Fault.NO_SPACE;
            default -> Fault.OTHER;
        };
    }

    /** The UNKNOWN answer of a probe that found no FIFO, or failed. */
    static Status probe(Path path, Outcome outcome) {
        if (outcome.verdict == Outcome.NOT_A_FIFO) {
            return Status.unknown(path, Fault.NOT_A_FIFO, null, "is " + outcome.found() + ", not a FIFO");
        }
        String name = PLATFORM.errnoName(outcome.errno);
        if (name.equals("EISDIR")) {
            return Status.unknown(path, Fault.NOT_A_FIFO, name, "is a directory, not a FIFO");
        }
        return unknown(path, "open", outcome.errno);
    }

    /** The UNKNOWN answer for a failed {@code call}. */
    static Status unknown(Path path, String call, int errno) {
        String name = PLATFORM.errnoName(errno);
        return Status.unknown(path, fault(name), name, call + ": " + PLATFORM.describe(errno));
    }

    static BeaconException beacon(HoldException e) {
        Fault fault = switch (e.reason()) {
            case ERRNO -> fault(e.errnoName());
            case SYMLINK -> Fault.SYMLINK;
            case NOT_A_FIFO -> Fault.NOT_A_FIFO;
            case NOT_OWNER -> Fault.NOT_OWNER;
            case HELD -> Fault.HELD;
            case NO_SUCH_DIRECTORY -> Fault.NO_SUCH_DIRECTORY;
            case OTHER -> Fault.OTHER;
        };
        return new BeaconException(e.path(), fault, e.errnoName(), e.getMessage());
    }

    static BeaconException beacon(Path path, String call, int errno) {
        String name = PLATFORM.errnoName(errno);
        return new BeaconException(path, fault(name), name, call + ": " + PLATFORM.describe(errno));
    }

    /** {@code lifeline: WHAT: DESCRIPTION (ENAME)}. */
    static NativeException io(String what, int errno) {
        String name = PLATFORM.errnoName(errno);
        return new NativeException("lifeline: " + what + ": " + PLATFORM.describe(errno) + " (" + name + ")", name);
    }
}
