package dev.lifeline.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Await;
import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    static Process holder(Path beacon, Duration promise) {
        String[] beating = promise == null ? new String[0] : new String[] {Long.toString(promise.toMillis())};
        return Running.holder(DEADLINE, List.of(), beacon, beating).process();
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
        return Await.until(what, observe, condition, DEADLINE);
    }

    /** As {@link #await}, resting a millisecond between looks: for conditions that take a while. */
    static <T> T awaitGently(String what, Supplier<T> observe, Predicate<T> condition) {
        return Await.until(what, observe, condition, DEADLINE, Duration.ofMillis(1));
    }

    static List<String> lines(String s) {
        return s.lines().toList();
    }
}
