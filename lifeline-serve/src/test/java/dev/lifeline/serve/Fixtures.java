package dev.lifeline.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Child JVMs, HTTP and bounded waits for the server's tests. */
final class Fixtures {
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private Fixtures() {
    }

    /** A holder in its own JVM; returns once it has said it holds the beacon. */
    static Process holder(Path beacon) throws Exception {
        return holder(beacon, null);
    }

    /** A holder that beats, promising {@code promise} each time (every third of it), if not null. */
    static Process holder(Path beacon, Duration promise) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Holder.class.getName(), beacon.toString()));
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
        assertThat(line).isEqualTo("held");
        return p;
    }

    static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("GET " + url, e);
        }
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

    /** As {@link #await}, resting a millisecond between looks: for conditions that take a while. */
    static <T> T awaitGently(String what, Supplier<T> observe, Predicate<T> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T last = observe.get();
        while (!condition.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": still " + last + " after " + DEADLINE);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            last = observe.get();
        }
        return last;
    }

    static List<String> lines(String s) {
        return s.lines().toList();
    }
}
