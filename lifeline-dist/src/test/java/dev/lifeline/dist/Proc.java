package dev.lifeline.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real processes for the dist tests: every wait is bounded and waits for an event (an exit, a line),
 * never for a delay.
 */
final class Proc {
    static final long TIMEOUT_SECONDS = 120;

    /** Where the dist build wrote its output (lifeline-dist/target), and the version it built. */
    static final Path DIST = Path.of(System.getProperty("lifeline.dist", "target")).toAbsolutePath();
    static final String VERSION = System.getProperty("lifeline.version");
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    /** Readers block: a thread each, never the common pool (one thread on a 2-core machine). */
    private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "proc-reader");
        t.setDaemon(true);
        return t;
    });

    private Proc() {
    }

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    static ProcessBuilder builder(List<String> command, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        return pb;
    }

    static Result run(List<String> command) throws Exception {
        return run(command, null);
    }

    /** Runs to the end, with stdin closed; fails the test if it runs past the timeout. */
    static Result run(List<String> command, Map<String, String> env) throws Exception {
        Process p = builder(command, env).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after " + TIMEOUT_SECONDS + " s: " + command);
        }
        return new Result(p.exitValue(), out.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), err.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    /** Runs and expects exit 0. */
    static String ok(String... command) throws Exception {
        Result r = run(List.of(command));
        assertThat(r.exitCode()).as(String.join(" ", command) + "\n" + r).isZero();
        return r.stdout();
    }

    /** A started process and the first line it wrote. */
    record Started(Process process, String line) {
    }

    /** Starts a process and waits for its first line of stdout (a holder's "holding ..."). */
    static Started startAndReadLine(List<String> command, Map<String, String> env, String expected) throws Exception {
        Process p = builder(command, env).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (IOException e) {
                return "read failed: " + e;
            }
        }, READERS);
        String first;
        try {
            first = line.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new AssertionError("no line from " + command + " within " + TIMEOUT_SECONDS + " s");
        }
        if (first == null || !first.contains(expected)) {
            p.destroyForcibly();
            p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a line with '" + expected + "' from " + command + ", got " + first
                    + "\n--- stderr ---\n" + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return new Started(p, first);
    }

    /** Ends a process with SIGKILL and waits until it is gone. */
    static void kill(Process p) throws Exception {
        p.destroyForcibly();
        assertThat(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("killed process gone").isTrue();
    }

    /**
     * A PATH whose first entry holds a {@code java} that fails, writing a marker file whenever it is
     * run: a command that must not use the machine's java is shown not to.
     */
    static Path failingJava(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("stub-bin"));
        Path marker = dir.resolve("stub-java-was-run");
        Path java = Files.writeString(bin.resolve("java"),
                "#!/bin/sh\necho \"stub java run: $*\" >> '" + marker + "'\necho 'this java is a stub' >&2\nexit 97\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        return marker;
    }

    /** The environment for a lifeline that must bring its own Java: no usable java anywhere else. */
    static Map<String, String> noJavaEnv(Path dir) {
        Path bin = dir.resolve("stub-bin");
        return Map.of(
                "PATH", bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "JAVA_HOME", dir.resolve("no-such-jdk").toString(),
                "HOME", dir.toString(),
                "LANG", "C.UTF-8",
                // The JVM refuses to start, rather than start without it, if the AOT cache shipped
                // beside the runtime does not fit that runtime and those jars where they were unpacked.
                "JDK_JAVA_OPTIONS", "-XX:AOTMode=on");
    }

    private static CompletableFuture<String> drain(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "read failed: " + e;
            }
        }, READERS);
    }
}
