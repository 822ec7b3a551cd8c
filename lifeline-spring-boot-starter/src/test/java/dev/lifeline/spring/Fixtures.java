package dev.lifeline.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Child JVMs and bounded waits for the starter's tests. */
final class Fixtures {
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private Fixtures() {
    }

    /**
     * A holder of {@code beacon} in its own JVM, beating with {@code promise} if given; returns
     * once it has said it holds the beacon.
     */
    static Process holder(Path beacon, Duration promise) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), beacon.toString()));
        if (promise != null) {
            command.add(Long.toString(promise.toMillis()));
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(line).as("the holder's first line").isEqualTo("held");
        return p;
    }

    /** SIGKILL, then wait until the process is gone. */
    static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    /** Polls until the condition holds, failing with the last value seen after the deadline. */
    static <T> T await(String what, Supplier<T> observe, Predicate<T> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T last = observe.get();
        while (!condition.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": still " + last + " after " + DEADLINE);
            }
            Thread.onSpinWait();
            last = observe.get();
        }
        return last;
    }

    /** Polls the beacon at {@code path} until it is in {@code state}; returns that status. */
    static Status awaitState(Path path, Status.State state) {
        Probe probe = Probe.of(path);
        return await(path + " " + state, probe::check, s -> s.state() == state);
    }
}
