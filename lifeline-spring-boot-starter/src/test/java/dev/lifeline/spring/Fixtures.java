package dev.lifeline.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.testkit.Await;
import dev.lifeline.testkit.Running;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    static Process holder(Path beacon, Duration promise) {
        String[] beating = promise == null ? new String[0] : new String[] {Long.toString(promise.toMillis())};
        return Running.holder(DEADLINE, List.of("-XX:TieredStopAtLevel=1"), beacon, beating).process();
    }

    /** SIGKILL, then wait until the process is gone. */
    static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    /** Polls until the condition holds, failing with the last value seen after the deadline. */
    static <T> T await(String what, Supplier<T> observe, Predicate<T> condition) {
        return Await.until(what, observe, condition, DEADLINE);
    }

    /** Polls the beacon at {@code path} until it is in {@code state}; returns that status. */
    static Status awaitState(Path path, Status.State state) {
        Probe probe = Probe.of(path);
        return await(path + " " + state, probe::check, s -> s.state() == state);
    }
}
