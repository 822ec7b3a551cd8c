package dev.lifeline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@link Daemon} {@code serve} process started from this JVM (same java, same class path), in a
 * fresh temporary directory. {@link #close()} ends it and removes the directory.
 */
public final class ServedDaemon implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private ServedDaemon(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts the daemon and returns once it prints that it is ready. */
    public static ServedDaemon start() throws IOException {
        Path dir = Files.createTempDirectory("lifeline-bench");
        Process process = javaProcess(Daemon.class, "serve", dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine(); // blocks until the daemon is ready, or gone
        if (line == null || !line.startsWith("ready ")) {
            process.destroyForcibly();
            throw new IOException("the benchmark daemon did not start; it said: " + line);
        }
        return new ServedDaemon(process, dir, Integer.parseInt(line.substring("ready ".length())));
    }

    /** A ProcessBuilder running {@code main} of this class path on this JVM's java. */
    static ProcessBuilder javaProcess(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED",
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGKILL and waits for the daemon to be gone: it cleans nothing up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
