package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Await;
import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs the CLI as real processes, through the test kit: a child JVM on this test's class path, or
 * any command line (the launcher, {@code java -jar}). Every wait is bounded by {@link #TIMEOUT},
 * so a hung child fails its test instead of hanging the build, and every wait is for an event (a
 * line, an exit), never a delay.
 */
final class Cli {
    /** Generous: a loaded CI machine may take seconds to start a JVM; a pass never waits this long. */
    static final long TIMEOUT_SECONDS = 60;
    static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);

    private Cli() {
    }

    /**
     * {@code java --enable-native-access=ALL-UNNAMED -cp <this class path> dev.lifeline.cli.Main args...},
     * behind {@code env --default-signal=INT}: a JVM that starts with SIGINT ignored (as anything
     * started in the background of a non-interactive shell does) never handles it, and the tests
     * of what SIGINT does would have nothing to test. env execs the JVM: the pid is the JVM's.
     */
    static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
        command.addAll(Running.java(List.of(), Main.class.getName(), List.of(args)));
        return command;
    }

    /** The JVM running the tests: children run on the same JDK. */
    static String javaBinary() {
        return Running.javaBinary();
    }

    /** Runs the CLI in a child JVM to the end. */
    static Running.Result run(String... args) {
        return run(java(args), null, Map.of());
    }

    /** Runs {@code command} to the end, in {@code directory} (null: this one), with {@code env} added. */
    static Running.Result run(List<String> command, Path directory, Map<String, String> env) {
        return Running.run(command, directory, env, TIMEOUT);
    }

    /**
     * Starts {@code lifeline hold args...} in a child JVM and returns once it has printed its
     * line; fails the test if it exits or stays silent instead.
     */
    static Running hold(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "hold";
        System.arraycopy(args, 0, all, 1, args.length);
        return holder(java(all));
    }

    /** Starts the CLI with {@code args} in a child JVM, in the background; its lines are waited for at most {@code limit}. */
    static Running background(Duration limit, String... args) {
        return Running.start(builder(java(args), null, Map.of()), limit);
    }

    /** Starts {@code command} (a holder) and returns once it has printed its first line. */
    static Running holder(List<String> command) {
        return holder(command, Map.of());
    }

    /** As {@link #holder(List)}, with {@code env} added to the child's environment. */
    static Running holder(List<String> command, Map<String, String> env) {
        return Running.started(builder(command, null, env), TIMEOUT);
    }

    /** Starts {@code command} with an empty standard input, in {@code directory} (null: this one), {@code env} added. */
    static Process start(List<String> command, Path directory, Map<String, String> env) {
        try {
            return builder(command, directory, env).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static ProcessBuilder builder(List<String> command, Path directory, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(env);
        return builder;
    }

    static int waitFor(Process process) {
        return Running.waitFor(process, TIMEOUT);
    }

    /**
     * Asks {@code observe} until {@code done} holds for its answer and returns that answer; fails
     * with the last one observed if {@code limit} passes first. For the conditions no process
     * announces; every event a process does announce is waited for as an event.
     */
    static <T> T poll(String what, Supplier<T> observe, Predicate<T> done, Duration limit) {
        return Await.until(what, observe, done, limit, Duration.ofMillis(10));
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
        Running.Result kill = run(List.of("/bin/sh", "-c", "kill -" + signal + " " + pid), null, Map.of());
        assertThat(kill.exitCode()).as("kill -" + signal + " " + pid + "\n" + kill).isZero();
    }

    static Future<String> drain(InputStream in) {
        return Running.drain(in);
    }

    static <T> T get(Future<T> future) {
        return Running.get(future, TIMEOUT);
    }
}
