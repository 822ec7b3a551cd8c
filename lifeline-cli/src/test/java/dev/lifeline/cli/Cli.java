package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs the CLI as real processes: a child JVM on this test's class path, or any command line (the
 * launcher, {@code java -jar}). Every wait is bounded, so a hung child fails its test instead of
 * hanging the build, and every wait is for an event (a line, an exit), never a delay.
 */
final class Cli {
    /** Generous: a loaded CI machine may take seconds to start a JVM; a pass never waits this long. */
    static final long TIMEOUT_SECONDS = 60;

    private Cli() {
    }

    /** What a finished process left: its exit status and everything it wrote. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    /**
     * {@code java --enable-native-access=ALL-UNNAMED -cp <this class path> dev.lifeline.cli.Main args...},
     * behind {@code env --default-signal=INT}: a JVM that starts with SIGINT ignored (as anything
     * started in the background of a non-interactive shell does) never handles it, and the tests
     * of what SIGINT does would have nothing to test. env execs the JVM: the pid is the JVM's.
     */
    static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", javaBinary(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** The JVM running the tests: children run on the same JDK. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Runs the CLI in a child JVM to the end. */
    static Result run(String... args) {
        return run(java(args), null, Map.of());
    }

    /** Runs {@code command} to the end, in {@code directory} (null: this one), with {@code env} added. */
    static Result run(List<String> command, Path directory, Map<String, String> env) {
        Process process = start(command, directory, env);
        // Both pipes drained at once, or a child filling one of them would block for ever.
        Future<String> stdout = drain(process.getInputStream());
        Future<String> stderr = drain(process.getErrorStream());
        int exitCode = waitFor(process);
        return new Result(exitCode, get(stdout), get(stderr));
    }

    /**
     * Starts {@code lifeline hold args...} in a child JVM and returns once it has printed its
     * line; fails the test if it exits or stays silent instead.
     */
    static Holder hold(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "hold";
        System.arraycopy(args, 0, all, 1, args.length);
        return Holder.start(java(all));
    }

    static Process start(List<String> command, Path directory, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    static int waitFor(Process process) {
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("pid " + process.pid() + " did not exit within " + TIMEOUT_SECONDS + " s: " + process.info());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Asks {@code observe} until {@code done} holds for its answer and returns that answer; fails
     * with the last one observed if {@code limit} passes first. For the conditions no process
     * announces; every event a process does announce is waited for as an event.
     */
    static <T> T poll(String what, Supplier<T> observe, Predicate<T> done, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (;;) {
            T seen = observe.get();
            if (done.test(seen)) {
                return seen;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not " + what + " within " + limit + "; last seen: " + seen);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** What the open descriptors of {@code pid} name ({@code /proc/PID/fd/*}); empty once it is gone. */
    static List<String> descriptors(long pid) {
        List<String> targets = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    // gone between the listing and the read
                }
            }
        } catch (IOException | UncheckedIOException gone) {
            // the process has exited
        }
        return targets;
    }

    /** {@code kill -SIG pid}, through the kill(1) a shell has: Java sends only TERM and KILL. */
    static void signal(String signal, long pid) {
        Result kill = run(List.of("/bin/sh", "-c", "kill -" + signal + " " + pid), null, Map.of());
        assertThat(kill.exitCode()).as("kill -" + signal + " " + pid + "\n" + kill).isZero();
    }

    static Future<String> drain(InputStream in) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        Thread.ofPlatform().daemon().name("drain").start(task);
        return task;
    }

    static <T> T get(Future<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot read a child's output", e);
        }
    }

    /** A process that holds a beacon; killed, whatever happens, by {@link #close()}. */
    static final class Holder implements AutoCloseable {
        private final Process process;
        private final String line;
        private final BufferedReader stdout;
        private final Future<String> stderr;

        private Holder(Process process, String line, BufferedReader stdout, Future<String> stderr) {
            this.process = process;
            this.line = line;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        static Holder start(List<String> command) {
            return start(command, Map.of());
        }

        /** As {@link #start(List)}, with {@code env} added to the child's environment. */
        static Holder start(List<String> command, Map<String, String> env) {
            Process process = Cli.start(command, null, env);
            Future<String> stderr = drain(process.getErrorStream());
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            FutureTask<String> read = new FutureTask<>(stdout::readLine);
            Thread.ofPlatform().daemon().name("first-line").start(read);
            String line;
            try {
                line = read.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                process.destroyForcibly();
                throw new AssertionError("no line from " + command + " within " + TIMEOUT_SECONDS + " s");
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            } catch (ExecutionException e) {
                process.destroyForcibly();
                throw new AssertionError("cannot read from " + command, e);
            }
            if (line == null) {
                int exit = Cli.waitFor(process);
                throw new AssertionError(command + " exited with " + exit + " before its first line; stderr: "
                        + get(stderr));
            }
            return new Holder(process, line, stdout, stderr);
        }

        /** The one line it printed once the beacon was held. */
        String line() {
            return line;
        }

        Process process() {
            return process;
        }

        // Signals go through ProcessHandle: Process.destroy() also closes our ends of the pipes,
        // and what the child wrote after its first line would be lost.

        /** SIGTERM, then its exit status. */
        int terminate() {
            process.toHandle().destroy();
            return Cli.waitFor(process);
        }

        /** SIGKILL: no handler, no hook, no cleanup. Returns once the kernel has reaped it. */
        int kill() {
            process.toHandle().destroyForcibly();
            return Cli.waitFor(process);
        }

        /** After exit: whatever it printed after its first line. */
        String restOfStdout() {
            assertThat(process.isAlive()).as("still running").isFalse();
            try {
                StringBuilder rest = new StringBuilder();
                for (String l; (l = stdout.readLine()) != null; ) {
                    rest.append(l).append('\n');
                }
                return rest.toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** After exit: everything it wrote on stderr. */
        String stderr() {
            assertThat(process.isAlive()).as("still running").isFalse();
            return get(stderr);
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                kill();
            }
        }
    }
}
