package dev.lifeline.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real processes for the dist tests: every wait is bounded and waits for an event (an exit, a line),
 * never for a delay.
 */
final class Proc {
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** Where the dist build wrote its output (lifeline-dist/target), and the version it built. */
    static final Path DIST = Path.of(System.getProperty("lifeline.dist", "target")).toAbsolutePath();
    static final String VERSION = System.getProperty("lifeline.version");
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    private Proc() {
    }

    static ProcessBuilder builder(List<String> command, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        return pb;
    }

    static Running.Result run(List<String> command) {
        return run(command, null);
    }

    /** Runs to the end, with stdin closed and {@code env} (if not null) as its whole environment; bounded. */
    static Running.Result run(List<String> command, Map<String, String> env) {
        return Running.run(builder(command, env), TIMEOUT);
    }

    /** Runs and expects exit 0. */
    static String ok(String... command) {
        Running.Result r = run(List.of(command));
        assertThat(r.exitCode()).as(String.join(" ", command) + "\n" + r).isZero();
        return r.stdout();
    }

    /** Starts a process and waits for its first line of stdout (a holder's "holding ..."), which must hold {@code expected}. */
    static Running startAndReadLine(List<String> command, Map<String, String> env, String expected) {
        Running started = Running.started(builder(command, env), TIMEOUT);
        if (!started.line().contains(expected)) {
            started.kill();
            throw new AssertionError("expected a line with '" + expected + "' from " + command + ", got " + started.line()
                    + "\n--- stderr ---\n" + started.stderr());
        }
        return started;
    }

    /** Ends a process with SIGKILL and waits until it is gone. */
    static void kill(Process p) throws Exception {
        p.destroyForcibly();
        assertThat(p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("killed process gone").isTrue();
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
}
