package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Starts {@link Child} in its own JVM and talks to it by lines; helpers for bounded waits. */
final class Processes {
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private Processes() {
    }

    /** A running child JVM with a reader on its standard output. */
    record Running(Process process, BufferedReader out) implements AutoCloseable {
        /** The next line the child prints, waiting at most {@link #DEADLINE}. */
        String nextLine() {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                return line.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                process.destroyForcibly();
                throw new AssertionError("child printed nothing within " + DEADLINE, e);
            } catch (InterruptedException | ExecutionException e) {
                throw new AssertionError(e);
            }
        }

        /** SIGKILL, then wait until the kernel has reaped it: its descriptors are closed by then. */
        void kill9() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("child ends after SIGKILL").isTrue();
            assertThat(process.exitValue()).isEqualTo(128 + 9);
        }

        /** Closes the child's standard input: a holding child then closes its beacon and exits. */
        int finish() throws IOException, InterruptedException {
            process.getOutputStream().close();
            assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("child ends").isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    static Running start(String... args) throws IOException {
        return startWrapped(List.of(), System.getProperty("java.class.path"), args);
    }

    /**
     * Starts {@link Child} with {@code args} on {@code classPath}, behind {@code wrapper} (such as
     * setpriv or prlimit) if given.
     */
    static Running startWrapped(List<String> wrapper, String classPath, String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(javaBinary());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(classPath);
        command.add(Child.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Running(process, new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    /** Polls {@code condition} until it holds or the deadline passes; fails with the last value seen. */
    static <T> void await(String what, Supplier<T> observe, java.util.function.Predicate<T> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T last = observe.get();
        while (!condition.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": still " + last + " after " + DEADLINE);
            }
            Thread.onSpinWait();
            last = observe.get();
        }
    }

    /** The number of descriptors this process has open. */
    static int openDescriptors() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
