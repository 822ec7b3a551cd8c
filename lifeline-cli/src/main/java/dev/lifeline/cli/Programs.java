package dev.lifeline.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finding the program of {@code run} and {@code exec} before any beacon is made, so that a command
 * that cannot run is refused with the shell's codes and leaves nothing behind: 127 for a command
 * that is not there, 126 for one that is there but cannot be executed.
 */
final class Programs {
    /** The shell's "command not found". */
    static final int EXIT_NOT_FOUND = 127;
    /** The shell's "found, but cannot be executed". */
    static final int EXIT_NOT_EXECUTABLE = 126;

    private Programs() {
    }

    /** Why a command cannot run, with the exit code a shell would give. */
    static final class Unrunnable extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        Unrunnable(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    /**
     * The executable that {@code name} names, as a shell finds it: as given if it has a slash,
     * else the first executable regular file of that name in a directory of {@code PATH}.
     *
     * @throws Unrunnable with 127 if there is no such file, 126 if there is one but it is not an
     *         executable regular file (a directory, a file without execute permission)
     */
    static Path find(String name) throws Unrunnable {
        return find(name, System.getenv());
    }

    static Path find(String name, Map<String, String> env) throws Unrunnable {
        if (name.isEmpty()) {
            throw new Unrunnable(EXIT_NOT_FOUND, "the command name is empty");
        }
        if (name.contains("/")) {
            Path path = Path.of(name);
            if (runnable(path)) {
                return path;
            }
            if (Files.exists(path)) {
                throw new Unrunnable(EXIT_NOT_EXECUTABLE, name + ": " + (Files.isDirectory(path)
                        ? "is a directory" : "is not an executable file"));
            }
            throw new Unrunnable(EXIT_NOT_FOUND, name + ": no such file");
        }
        Path seen = null;
        for (String dir : env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(File.pathSeparator, -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (runnable(candidate)) {
                return candidate;
            }
            if (seen == null && Files.isRegularFile(candidate)) {
                seen = candidate;
            }
        }
        if (seen != null) {
            throw new Unrunnable(EXIT_NOT_EXECUTABLE, name + ": found " + seen + ", but it is not executable");
        }
        throw new Unrunnable(EXIT_NOT_FOUND, name + ": command not found");
    }

    private static boolean runnable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
