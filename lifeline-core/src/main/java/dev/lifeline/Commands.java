package dev.lifeline;

import java.io.File;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Finding the program of a command line the way a shell would, before anything is created. */
final class Commands {
    private Commands() {
    }

    /** {@link Lifeline#findProgram}, with the environment given. */
    static Path find(String name, Map<String, String> env) throws NoSuchFileException, AccessDeniedException {
        if (name.isEmpty()) {
            throw new NoSuchFileException(name, null, "the command name is empty");
        }
        if (name.contains("/")) {
            Path path = Path.of(name);
            if (runnable(path)) {
                return path;
            }
            if (Files.exists(path)) {
                throw new AccessDeniedException(name, null, Files.isDirectory(path) ? "is a directory" : "is not an executable file");
            }
            throw new NoSuchFileException(name, null, "no such file");
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
            throw new AccessDeniedException(name, null, "found " + seen + ", but it is not executable");
        }
        throw new NoSuchFileException(name, null, "command not found");
    }

    /**
     * The program {@code command.get(0)} names, for {@link Beacon#spawn} and {@link Beacon#exec}:
     * any reason it cannot run is a {@link NoSuchFileException}, as they document.
     */
    static String resolve(List<String> command) throws NoSuchFileException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command given");
        }
        try {
            return find(command.get(0), System.getenv()).toString();
        } catch (AccessDeniedException e) {
            throw new NoSuchFileException(e.getFile(), null, e.getReason());
        }
    }

    private static boolean runnable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
