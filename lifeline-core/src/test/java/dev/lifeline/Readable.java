package dev.lifeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A world-readable copy of this JVM's class path, for a child that runs as another user. */
final class Readable {
    private static Path copy;

    private Readable() {
    }

    static synchronized String copyOfClassPath() throws IOException {
        if (copy == null) {
            copy = Files.createTempDirectory("lifeline-cp");
            copy.toFile().deleteOnExit();
        }
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = copy.resolve(n++ + "-" + source.getFileName());
            if (!Files.exists(target)) {
                copyTree(source, target);
            }
            entries.add(target.toString());
        }
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> all = Files.walk(source)) {
            all.forEach(p -> {
                try {
                    Path to = target.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else {
                        Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
