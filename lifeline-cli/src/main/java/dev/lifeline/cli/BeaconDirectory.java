package dev.lifeline.cli;

import dev.lifeline.Lifeline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a bare beacon NAME lives, for every command: the rule itself is
 * {@link Lifeline#beaconPath(String)} in lifeline-core, shared with the agent and the Spring Boot
 * starter; this class adds what only the CLI does with it.
 *
 * <p>{@code hold}, {@code run} and {@code exec} create DIR itself (not its parents) with mode 0700
 * when it is missing; the checking commands never create anything. A DIR made by another user
 * (someone squatting {@code /tmp/lifeline-UID} first) is refused by the strict checks of
 * {@code Beacon.open}, never used.
 */
final class BeaconDirectory {
    private BeaconDirectory() {
    }

    /** The default directory for this process. */
    static Path current() {
        return Lifeline.defaultDirectory();
    }

    /** The default directory for an environment and a user id. */
    static Path of(Map<String, String> env, long uid) {
        return Lifeline.defaultDirectory(env, uid);
    }

    /** Whether {@code argument} is a bare NAME, to be looked up in the default directory. */
    static boolean isBareName(String argument) {
        return Lifeline.isBareName(argument);
    }

    /** {@code argument} as a beacon path: in the default directory if it is a bare NAME. */
    static Path resolve(String argument) {
        return Lifeline.beaconPath(argument);
    }

    /**
     * Creates the default directory, mode 0700, if {@code beacon} lives in it and it is missing.
     * Nothing is done for a beacon elsewhere: an explicit path's directory is the caller's business.
     *
     * @throws IOException if the directory cannot be created
     */
    static void prepare(Path beacon) throws IOException {
        Lifeline.createDefaultDirectoryFor(beacon);
    }

    /** {@code /run/lifeline: Permission denied}: an I/O failure in a user's words, without the class name. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason()
                    : e instanceof java.nio.file.AccessDeniedException ? "Permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                    : e.getClass().getSimpleName();
            return f.getFile() + ": " + reason;
        }
        return String.valueOf(e.getMessage());
    }
}
