package dev.lifeline;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Finding the program of a command line the way a shell would, before anything is created. */
final class Commands {
    private Commands() {
    }

    /** The executable file {@code command.get(0)} names: as given if it has a slash, else on PATH. */
    static String resolve(List<String> command) throws NoSuchFileException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command given");
        }
        String name = command.get(0);
        if (name.isEmpty()) {
            throw new NoSuchFileException(name, null, "empty command name");
        }
        if (name.contains("/")) {
            Path path = Path.of(name);
            if (Files.isRegularFile(path) && Files.isExecutable(path)) {
                return name;
            }
            throw new NoSuchFileException(name, null, Files.exists(path) ? "not an executable file" : "no such file");
        }
        String searchPath = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : searchPath.split(File.pathSeparator, -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new NoSuchFileException(name, null, "command not found on PATH");
    }
}
