package dev.lifeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process the test talks to by lines: a JVM of {@link #java} or any command. Its standard
 * output is read line by line as it comes and its standard error kept, each by a thread of its
 * own, so that a child never blocks on a full pipe. Every wait is bounded by the limit given at
 * the start (a hung child fails its test instead of hanging the build) and is for an event (a
 * line, an exit), never a delay. {@link #close} kills what is still running.
 */
public final class Running implements AutoCloseable {
    /** Marks the end of standard output in the queue of lines. */
    private static final String END = new String("end of output");

    private final Process process;
    private final List<String> command;
    private final Duration limit;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread[] readers = new Thread[2];
    private final Writer stdin;
    private boolean ended;
    private String line;

    private Running(Process process, List<String> command, Duration limit) {
        this.process = process;
        this.command = command;
        this.limit = limit;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        readers[0] = daemon("stdout-" + process.pid(), () -> {
            pump(process.getInputStream(), lines::add);
            lines.add(END);
        });
        readers[1] = daemon("stderr-" + process.pid(), () -> pump(process.getErrorStream(), l -> stderr.append(l).append('\n')));
    }

    /** A started platform thread, a daemon (Thread.ofPlatform() is Java 21's). */
    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void pump(InputStream stream, java.util.function.Consumer<String> sink) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                sink.accept(l);
            }
        } catch (IOException gone) {
            // the process is gone, or its pipe was closed by a kill
        }
    }

    /** The java binary running the tests: children run on the same JDK. */
    public static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * {@code java --enable-native-access=ALL-UNNAMED [jvmOptions] -cp <this test's class path> mainClass args}:
     * a JVM that sees what the test sees.
     */
    public static List<String> java(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(backend());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return command;
    }

    /**
     * What the lifeline command's launcher passes to check, status and wait (launch.sh): their
     * calls through the JDK's own natives, which these options make reachable.
     */
    public static final List<String> JDK_BACKEND = List.of("-Dlifeline.backend=jdk",
            "--add-opens=java.base/sun.nio.fs=ALL-UNNAMED", "-Djdk.reflect.useNativeAccessorOnly=true");

    /**
     * {@code -Dlifeline.backend=...} when this JVM was given one (the JNA backend's test runs on
     * Java 22+): a child JVM then reaches the C library the same way, so that both sides of a
     * cross-process test run the backend under test; for {@code jdk}, with the options that backend
     * needs (as the lifeline command passes them). Empty otherwise.
     */
    public static List<String> backend() {
        String backend = System.getProperty("lifeline.backend", "");
        if (backend.equals("jdk")) {
            return JDK_BACKEND;
        }
        return backend.isEmpty() ? List.of() : List.of("-Dlifeline.backend=" + backend);
    }

    /** Starts {@code builder}'s command; its lines are waited for at most {@code limit} each. */
    public static Running start(ProcessBuilder builder, Duration limit) {
        try {
            return new Running(builder.start(), List.copyOf(builder.command()), limit);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
    }

    /**
     * Starts {@code builder}'s command and returns once it has printed its first line
     * ({@link #line}); fails the test, with what it wrote on standard error, if it ends or stays
     * silent instead.
     */
    public static Running started(ProcessBuilder builder, Duration limit) {
        Running running = start(builder, limit);
        String first = running.nextLine();
        if (first == null) {
            int exit = running.waitFor();
            throw new AssertionError(running.command + " exited with " + exit + " before its first line; stderr: "
                    + running.stderr());
        }
        running.line = first;
        return running;
    }

    /** A holder of {@code beacon} ({@link Holder}) in a JVM of its own, once it has said {@code held}. */
    public static Running holder(Duration limit, List<String> jvmOptions, Path beacon, String... options) {
        List<String> args = new ArrayList<>(List.of(beacon.toString()));
        args.addAll(List.of(options));
        Running holder = started(new ProcessBuilder(java(jvmOptions, Holder.class.getName(), args))
                .redirectError(ProcessBuilder.Redirect.INHERIT), limit);
        assertThat(holder.line()).as("the holder's first line").isEqualTo("held");
        return holder;
    }

    /** What a finished process left: its exit status and everything it wrote. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    /**
     * Runs {@code builder}'s command to its end, within {@code limit}; both outputs are read whole,
     * byte for byte, at once (a child that filled one pipe would otherwise block for ever).
     */
    public static Result run(ProcessBuilder builder, Duration limit) {
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
        Future<String> stdout = drain(process.getInputStream());
        Future<String> stderr = drain(process.getErrorStream());
        int exit = waitFor(process, limit);
        return new Result(exit, get(stdout, limit), get(stderr, limit));
    }

    /** Reads {@code in} to its end on a thread of its own: the text it held, once it has ended. */
    public static Future<String> drain(InputStream in) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        daemon("drain", task);
        return task;
    }

    /** What {@code future} gives, waiting at most {@code limit}. */
    public static <T> T get(Future<T> future, Duration limit) {
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot read a child's output", e);
        }
    }

    /** The exit status of {@code process}; fails the test (and kills it) if it runs past {@code limit}. */
    public static int waitFor(Process process, Duration limit) {
        try {
            if (!process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("pid " + process.pid() + " did not exit within " + limit + ": " + process.info());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    /** Runs {@code command} to its end in {@code directory} (null: this one), {@code env} added, stdin empty. */
    public static Result run(List<String> command, Path directory, Map<String, String> env, Duration limit) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(env);
        return run(builder, limit);
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** The first line, read by {@link #started}. */
    public String line() {
        return line;
    }

    /** The next line it prints, or null once its output has ended; fails (and kills it) after the limit. */
    public String nextLine() {
        if (ended) {
            return null;
        }
        String next;
        try {
            next = lines.poll(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (next == null) {
            process.destroyForcibly();
            throw new AssertionError(command + " printed nothing within " + limit + "; stderr: " + stderr);
        }
        if (next == END) {
            ended = true;
            return null;
        }
        return next;
    }

    /** The first line not yet taken that matches; fails after {@code timeout}. */
    public String awaitLine(Predicate<String> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            String next = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            if (next == END) {
                ended = true;
                break;
            }
            if (matching.test(next)) {
                return next;
            }
        }
        throw new AssertionError("no matching line within " + timeout + "; alive " + process.isAlive() + ", stderr: " + stderr);
    }

    /** Polls standard error until it holds a line that matches, within {@code timeout}; returns that line. */
    public String awaitStderrLine(Predicate<String> matching, Duration timeout) {
        return Await.until("a matching stderr line (alive " + process.isAlive() + ")",
                () -> stderr.toString().lines().filter(matching).findFirst(), java.util.Optional::isPresent,
                timeout, Duration.ofMillis(10)).orElseThrow();
    }

    /** Writes one line to its standard input. */
    public void send(String text) throws IOException {
        stdin.write(text + "\n");
        stdin.flush();
    }

    public void closeStdin() throws IOException {
        stdin.close();
    }

    /** {@code kill -SIGNAL pid}, with kill(1): Java itself sends only TERM and KILL. */
    public void signal(String signal) {
        Result kill = run(List.of("kill", "-" + signal, Long.toString(process.pid())), null, Map.of(), limit);
        assertThat(kill.exitCode()).as("kill -" + signal + " " + process.pid() + "\n" + kill).isZero();
    }

    // Signals go through ProcessHandle: Process.destroy() also closes our ends of the pipes, and
    // what the child wrote last would be lost.

    /** SIGTERM, then its exit status. */
    public int terminate() {
        process.toHandle().destroy();
        return waitFor();
    }

    /** SIGKILL: no handler, no hook, no cleanup. Returns its status once the kernel has reaped it. */
    public int kill() {
        process.toHandle().destroyForcibly();
        return waitFor();
    }

    /** SIGKILL, and it ends by that signal: its descriptors are closed by the time this returns. */
    public void kill9() {
        assertThat(kill()).as("%s ends by SIGKILL", command).isEqualTo(128 + 9);
    }

    /** Closes its standard input (a holder then lets go and exits), then its exit status. */
    public int finish() throws IOException {
        closeStdin();
        return waitFor();
    }

    /** Its exit status, waiting at most the limit, once both its outputs have been read to their end. */
    public int waitFor() {
        return exit(limit);
    }

    /** As {@link #waitFor}, waiting at most {@code timeout}. */
    public int exit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " (pid " + process.pid() + ") did not exit within " + timeout
                        + "; stderr: " + stderr);
            }
            for (Thread reader : readers) {
                reader.join(limit.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    /**
     * Waits for its exit, at most {@code timeout}, and returns its status with the lines of
     * standard output not yet taken and all of standard error.
     */
    public Result end(Duration timeout) {
        int exit = exit(timeout);
        return new Result(exit, restOfStdout(), stderr());
    }

    /** After its exit: the lines not yet taken. */
    public List<String> remainingLines() {
        assertThat(process.isAlive()).as("still running").isFalse();
        List<String> rest = new ArrayList<>();
        for (String l; (l = nextLine()) != null; ) {
            rest.add(l);
        }
        return rest;
    }

    /** After its exit: whatever it printed after the lines taken, each line ended by a newline. */
    public String restOfStdout() {
        StringBuilder rest = new StringBuilder();
        remainingLines().forEach(l -> rest.append(l).append('\n'));
        return rest.toString();
    }

    /** Standard error so far; all of it once it has exited ({@link #waitFor}). */
    public String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
