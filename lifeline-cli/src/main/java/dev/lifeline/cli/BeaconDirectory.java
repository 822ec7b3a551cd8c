package dev.lifeline.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where a bare beacon NAME lives: the one place that decides it, for every command. A name without
 * a slash (other than {@code .} and {@code ..}) means {@code DIR/NAME}, where DIR is, in order:
 * <ol>
 * <li>{@code $XDG_RUNTIME_DIR/lifeline} when {@code XDG_RUNTIME_DIR} is set to an absolute path
 *     (the user's runtime directory, private to the user and emptied at logout, as the XDG base
 *     directory specification defines it);
 * <li>{@code /run/lifeline} for root;
 * <li>{@code /tmp/lifeline-UID} for anyone else.
 * </ol>
 * Anything with a slash, {@code ./name} included, is a path and is taken as it is.
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
        return of(System.getenv(), uid());
    }

    /** The default directory for an environment and a user id. */
    static Path of(Map<String, String> env, long uid) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && runtime.startsWith("/")) {
            return Path.of(runtime, "lifeline");
        }
        return uid == 0 ? Path.of("/run/lifeline") : Path.of("/tmp", "lifeline-" + uid);
    }

    /** Whether {@code argument} is a bare NAME, to be looked up in the default directory. */
    static boolean isBareName(String argument) {
        return !argument.isEmpty() && argument.indexOf('/') < 0 && !argument.equals(".") && !argument.equals("..");
    }

    /** {@code argument} as a beacon path: in the default directory if it is a bare NAME. */
    static Path resolve(String argument) {
        return isBareName(argument) ? current().resolve(argument) : Path.of(argument);
    }

    /**
     * Creates the default directory, mode 0700, if {@code beacon} lives in it and it is missing.
     * Nothing is done for a beacon elsewhere: an explicit path's directory is the caller's business.
     *
     * @throws IOException if the directory cannot be created
     */
    static void prepare(Path beacon) throws IOException {
        Path dir = current();
        if (!dir.equals(beacon.getParent()) || Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException raced) {
            // made meanwhile by another holder; the strict checks of Beacon.open judge it
        }
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

    /**
     * The effective user id of this process, the one that owns the FIFOs it makes: the owner of
     * {@code /proc/self}, which the kernel sets so. Falls back to the user name only when that
     * cannot be read.
     */
    static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }
}
