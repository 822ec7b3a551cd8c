package dev.lifeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Map;

/**
 * One-line checks for the common case. For repeated checks of one path, keep a {@link Probe}:
 * it prepares the path once and then allocates nothing per check.
 *
 * <p>Concurrency: stateless; safe for concurrent use.
 */
public final class Lifeline {
    private Lifeline() {
    }

    /**
     * The beacon at {@code nameOrPath}: a bare NAME (see {@link #isBareName(String)}) means
     * {@code defaultDirectory().resolve(NAME)}; anything else, {@code ./name} included, is a path
     * and is taken as it is. The one rule for every place that accepts a beacon by name: the
     * {@code lifeline} command, the Java agent, the Spring Boot starter. Nothing is created or
     * looked at on disk.
     *
     * @throws java.nio.file.InvalidPathException if {@code nameOrPath} cannot be a path
     */
    public static Path beaconPath(String nameOrPath) {
        return isBareName(nameOrPath) ? defaultDirectory().resolve(nameOrPath) : Path.of(nameOrPath);
    }

    /**
     * Whether {@code argument} is a bare beacon NAME, to be looked up in the
     * {@linkplain #defaultDirectory() default directory}: not empty, no slash, and neither
     * {@code .} nor {@code ..}.
     */
    public static boolean isBareName(String argument) {
        return !argument.isEmpty() && argument.indexOf('/') < 0 && !argument.equals(".") && !argument.equals("..");
    }

    /**
     * Creates the {@linkplain #defaultDirectory() default directory} (itself, not its parents, mode
     * 0700) if {@code beacon} lives in it and it is missing, as a holder of a bare NAME must before
     * {@link Beacon#open}: {@code lifeline hold NAME}, the Java agent and the Spring Boot starter do.
     * Nothing is done for a beacon elsewhere: an explicit path's directory is its owner's business.
     * A directory another user made first is judged, and refused, by {@link Beacon#open}'s strict
     * checks. Whoever only checks a beacon never calls this.
     *
     * @throws IOException if the directory cannot be created
     */
    public static void createDefaultDirectoryFor(Path beacon) throws IOException {
        Path dir = defaultDirectory();
        if (!dir.equals(beacon.getParent()) || Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // made meanwhile by another holder; the strict checks of Beacon.open judge it
        }
    }

    /**
     * Where bare beacon names live for this process: {@link #defaultDirectory(Map, long)} of its
     * environment and its effective user id.
     */
    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv(), uid());
    }

    /**
     * Where bare beacon names live for an environment and a user id, in this order:
     * <ol>
     * <li>{@code $XDG_RUNTIME_DIR/lifeline} when {@code XDG_RUNTIME_DIR} is set to an absolute
     *     path (the user's runtime directory, private to the user and emptied at logout, as the XDG
     *     base directory specification defines it; a relative one is invalid and ignored);
     * <li>{@code /run/lifeline} for root (uid 0);
     * <li>{@code /tmp/lifeline-UID} for anyone else.
     * </ol>
     * Whoever holds a beacon there may create the directory (mode 0700, as {@code lifeline hold}
     * does); whoever checks one never should. {@link Beacon#open} refuses a directory that another
     * user made first.
     *
     * @param env the environment, as {@link System#getenv()}
     * @param uid the effective user id
     */
    public static Path defaultDirectory(Map<String, String> env, long uid) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && runtime.startsWith("/")) {
            return Path.of(runtime, "lifeline");
        }
        return uid == 0 ? Path.of("/run/lifeline") : Path.of("/tmp", "lifeline-" + uid);
    }

    /**
     * The effective user id of this process, the one that owns the FIFOs it makes: the owner of
     * {@code /proc/self}, which the kernel sets so (no native call, so no native access needed).
     * Falls back to the user name only when that cannot be read.
     */
    private static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    /**
     * Whether a process holds the beacon at {@code path} right now and is well: true for ALIVE
     * only. False for HUNG (a holder that missed the deadline it promised), DEAD and ABSENT, and
     * also when no answer could be had: use {@link #check(Path)} to tell these apart.
     */
    public static boolean isAlive(Path path) {
        return check(path).isAlive();
    }

    /**
     * Checks the beacon at {@code path} once; see {@link Probe#check()}.
     *
     * @throws IllegalArgumentException if the path is empty or holds a NUL character, as
     *         {@link Probe#of(Path)} does
     */
    public static Status check(Path path) {
        return Probe.of(path).check();
    }

    /**
     * The executable file that the command name {@code name} names, found as a shell finds it: as
     * given if it has a slash, else the first executable regular file of that name in a directory
     * of {@code PATH} (this process's, or {@code /usr/local/bin:/usr/bin:/bin} without one). What
     * {@link Beacon#spawn} and {@link Beacon#exec} run; call it first to refuse a command that
     * cannot run before any beacon is made. The two exceptions are the shell's two exit codes.
     *
     * @return the program's path
     * @throws NoSuchFileException if there is no such program (a shell's 127): "command not
     *         found", "no such file", "the command name is empty"
     * @throws AccessDeniedException if there is one but it cannot be executed (a shell's 126):
     *         "is a directory", "is not an executable file", "found PATH, but it is not executable"
     */
    public static Path findProgram(String name) throws NoSuchFileException, AccessDeniedException {
        return Commands.find(Objects.requireNonNull(name, "name"), System.getenv());
    }
}
