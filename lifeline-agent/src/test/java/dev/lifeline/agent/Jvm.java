package dev.lifeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real child JVM (or JDK tool) for the agent's tests: its output lines, signals, exit. */
final class Jvm implements AutoCloseable {
    /** The agent jar built by this module, as -javaagent: names it. */
    static final Path AGENT = Path.of(System.getProperty("lifeline.agent.jar", "target/lifeline-agent.jar")).toAbsolutePath();
    /** Generous bound for a JVM to start on a loaded 2-core machine. */
    static final Duration START = Duration.ofSeconds(90);

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread[] readers = new Thread[2];
    private final Writer stdin;

    private Jvm(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        readers[0] = Thread.ofPlatform().daemon().start(() -> pump(new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), lines, null));
        readers[1] = Thread.ofPlatform().daemon().start(() -> pump(new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), null, stderr));
    }

    private static void pump(BufferedReader in, BlockingQueue<String> queue, StringBuffer text) {
        try (in) {
            String line;
            while ((line = in.readLine()) != null) {
                if (queue != null) {
                    queue.add(line);
                } else {
                    text.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    static String java() {
        return javaHome().resolve("bin/java").toString();
    }

    /** Where the test programs' classes are. */
    static String programs() {
        try {
            return Path.of(Jvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code -javaagent:AGENT=options}. */
    static String agent(String options) {
        return "-javaagent:" + AGENT + "=" + options;
    }

    /** {@code java [jvmOptions] -cp programs dev.lifeline.agent.programs.PROGRAM args}. */
    static List<String> program(List<String> jvmOptions, String program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(programs());
        command.add("dev.lifeline.agent.programs." + program);
        command.addAll(List.of(args));
        return command;
    }

    static Jvm start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().putAll(env);
        return new Jvm(builder.start());
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    /** The first output line (not yet taken) that matches; fails after {@code timeout}. */
    String awaitLine(Predicate<String> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no matching line within " + timeout + "; alive " + process.isAlive()
                        + ", stderr: " + stderr);
            }
            if (matching.test(line)) {
                return line;
            }
        }
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    void closeStdin() throws IOException {
        stdin.close();
    }

    /** Sends a signal with kill(1), the real tool. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -" + signal).isZero();
    }

    /** Waits for the exit, bounded, and for the output to be read to its end. */
    int exit(Duration timeout) throws InterruptedException {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("exited within " + timeout + "; stderr: " + stderr).isTrue();
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        return process.exitValue();
    }

    /** What a finished JVM said: its exit status and standard error. */
    record Outcome(int status, String stderr) {
    }

    /** The output lines not yet taken; complete after {@link #exit}. */
    List<String> awaitRemainingLines() {
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        return rest;
    }

    /** Polls standard error until it holds a line that matches, bounded; returns that line. */
    String awaitStderrLine(Predicate<String> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var line = stderr.toString().lines().filter(matching).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching stderr line within " + timeout + "; alive " + process.isAlive()
                        + ", stderr: " + stderr);
            }
            Thread.sleep(10); // polls a condition with a bounded deadline
        }
    }

    /** Standard error so far; complete after {@link #exit}. */
    String stderr() {
        return stderr.toString();
    }

    /** Standard error without the JVM's own "Picked up JAVA_TOOL_OPTIONS" notice. */
    String stderrOfOthers() {
        return stderr.toString().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS:"))
                .map(l -> l + "\n").reduce("", String::concat);
    }

    /** Polls the probe until it answers {@code state}, bounded; returns that answer. */
    static Status await(Probe probe, Status.State state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Status status = probe.check();
        while (status.state() != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + state + " within " + timeout + ": " + status);
            }
            Thread.sleep(5); // polls a condition with a bounded deadline
            status = probe.check();
        }
        return status;
    }

    /** Polls the probe until it answers ALIVE with a beat recorded (the agent beats), bounded. */
    static Status awaitBeating(Probe probe, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Status status = probe.check();
        while (status.state() != Status.State.ALIVE || status.lastBeat().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not ALIVE with a beat within " + timeout + ": " + status);
            }
            Thread.sleep(5); // polls a condition with a bounded deadline
            status = probe.check();
        }
        return status;
    }

    /** A beacon file name unique to the test. */
    static Path beacon(Path dir, String name) throws IOException {
        return Files.createDirectories(dir).resolve(name);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
