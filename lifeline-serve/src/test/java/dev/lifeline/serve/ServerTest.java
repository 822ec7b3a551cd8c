package dev.lifeline.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server against a real holder process: health, metrics, events, all event-driven. */
class ServerTest {
    @TempDir
    Path dir;

    @Test
    void healthMetricsAndEventsFollowAKilledHolder() throws Exception {
        Path beacon = dir.resolve("daemon");
        Process holder = Fixtures.holder(beacon);
        try (Server server = Server.start(new InetSocketAddress("127.0.0.1", 0), List.of(dir))) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            Fixtures.await("healthy", () -> Fixtures.get(base + "/health/daemon").statusCode(), c -> c == 200);
            assertThat(Fixtures.get(base + "/health/daemon").body()).contains("\"status\":\"alive\"");
            String metrics = Fixtures.get(base + "/metrics").body();
            assertThat(metrics).contains("lifeline_beacon_up{beacon=\"daemon\",path=\"" + beacon + "\"} 1")
                    .contains("lifeline_beacon_state{beacon=\"daemon\",path=\"" + beacon + "\",state=\"alive\"} 1")
                    .contains("lifeline_beacons 1").contains("lifeline_probe_seconds");

            // Subscribe to the events, then kill: the stream must bring the death.
            LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
            HttpResponse<java.io.InputStream> stream = Fixtures.HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("data: ")) {
                            events.add(line.substring(6));
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            assertThat(events.poll(Fixtures.DEADLINE.toSeconds(), TimeUnit.SECONDS)).contains("\"status\":\"alive\"");
            Fixtures.kill9(holder);
            String death = events.poll(Fixtures.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(death).contains("\"name\":\"daemon\"").contains("\"status\":\"dead\"").contains("\"transitions\":1");
            assertThat(Fixtures.get(base + "/health/daemon").statusCode()).isEqualTo(503);
            assertThat(Fixtures.get(base + "/metrics").body())
                    .contains("lifeline_beacon_up{beacon=\"daemon\",path=\"" + beacon + "\"} 0")
                    .contains("lifeline_beacon_transitions_total{beacon=\"daemon\",path=\"" + beacon + "\"} 1");
            reader.interrupt();
            stream.body().close();
        } finally {
            holder.destroyForcibly();
        }
    }

    /** A server that cannot bind (the address is in use) leaves no thread of its own behind. */
    @Test
    void aServerThatCannotStartLeavesNothingRunning() throws Exception {
        try (Server first = Server.start(new InetSocketAddress("127.0.0.1", 0), List.of(dir))) {
            long before = ownThreads();
            for (int i = 0; i < 3; i++) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> Server.start(first.address(), List.of(dir)))
                        .isInstanceOf(java.io.IOException.class);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ownThreads() > before && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            assertThat(ownThreads()).as("watcher and directory threads of the servers that failed").isEqualTo(before);
        }
    }

    private static long ownThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("lifeline-watcher") || t.getName().equals("lifeline-serve-directories"))
                .count();
    }

    @Test
    void aBeaconCreatedLaterInAFollowedDirectoryIsFollowed() throws Exception {
        try (Server server = Server.start(new InetSocketAddress("127.0.0.1", 0), List.of(dir))) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            assertThat(Fixtures.get(base + "/health/later").statusCode()).isEqualTo(404);
            Process holder = Fixtures.holder(dir.resolve("later"));
            try {
                Fixtures.await("the new beacon served", () -> Fixtures.get(base + "/health/later").statusCode(),
                        c -> c == 200);
                assertThat(Fixtures.get(base + "/api/beacons").body()).startsWith("[{").contains("\"name\":\"later\"");
                assertThat(Fixtures.get(base + "/").body()).contains("<title>lifeline</title>").contains("EventSource");
            } finally {
                Fixtures.kill9(holder);
            }
        }
    }

    @Test
    void heartbeatFiguresStayFreshWhileTheHolderBeats() throws Exception {
        // A promise of 2 s: the holder beats every 0.67 s. The Watcher reports its first state
        // and then nothing more (no change of state); every figure must still follow the beats.
        Path beacon = dir.resolve("clock");
        Process holder = Fixtures.holder(beacon, Duration.ofSeconds(2));
        try (Server server = Server.start(new InetSocketAddress("127.0.0.1", 0), List.of(dir))) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            Fixtures.await("served", () -> Fixtures.get(base + "/health/clock").statusCode(), c -> c == 200);
            LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
            HttpResponse<java.io.InputStream> stream = subscribe(base, events);
            Probe probe = Probe.of(beacon);
            Status first = null;
            Instant seen = Instant.EPOCH;
            for (int beat = 0; beat < 6; beat++) {
                Instant previous = seen;
                Status fresh = Fixtures.awaitGently("a beat after " + previous, probe::check,
                        s -> s.lastBeat().isPresent() && s.lastBeat().get().isAfter(previous));
                seen = fresh.lastBeat().orElseThrow();
                first = first == null ? fresh : first;

                String metrics = Fixtures.get(base + "/metrics").body();
                double sinceSeen = Duration.between(seen, Instant.now()).toNanos() / 1e9;
                assertThat(metric(metrics, "lifeline_beacon_heartbeat_age_seconds{beacon=\"clock\""))
                        .as("the age scraped after beat %d", beat).isLessThanOrEqualTo(sinceSeen + 0.002);
                assertThat(metric(metrics, "lifeline_beacon_heartbeat_deadline_seconds{beacon=\"clock\""))
                        .as("the deadline scraped after beat %d", beat)
                        .isGreaterThanOrEqualTo(fresh.deadline().orElseThrow().toEpochMilli() / 1000.0);
                assertThat(time(Fixtures.get(base + "/api/beacons").body(), "last_beat"))
                        .as("/api/beacons after beat %d", beat).isAfterOrEqualTo(seen);
                String health = Fixtures.get(base + "/health/clock").body();
                assertThat(time(health, "last_beat")).as("/health/clock after beat %d", beat).isAfterOrEqualTo(seen);
                assertThat(time(health, "deadline")).isAfterOrEqualTo(fresh.deadline().orElseThrow());
                // What the live page is fed: the stream brings the beat without a change of state.
                Instant beaten = seen;
                String event;
                do {
                    event = events.poll(Fixtures.DEADLINE.toSeconds(), TimeUnit.SECONDS);
                    assertThat(event).as("an event with beat %d", beat).isNotNull();
                } while (!event.contains("\"name\":\"clock\"") || time(event, "last_beat").isBefore(beaten));
                assertThat(event).contains("\"status\":\"alive\"");
            }
            assertThat(seen).isAfter(first.lastBeat().orElseThrow());
            assertThat(time(Fixtures.get(base + "/api/beacons").body(), "deadline"))
                    .as("the deadline moves forward").isAfter(first.deadline().orElseThrow());
            stream.body().close();
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void overallHealthIs200OnlyWhileEveryBeaconIsAlive() throws Exception {
        try (Server empty = Server.start(new InetSocketAddress("127.0.0.1", 0), List.of(dir))) {
            HttpResponse<String> none = Fixtures.get("http://127.0.0.1:" + empty.address().getPort() + "/health");
            assertThat(none.statusCode()).as("no beacon is not all alive").isEqualTo(503);
            assertThat(none.body()).contains("\"beacons\":0");
        }
        Process a = Fixtures.holder(dir.resolve("a"));
        Process b = Fixtures.holder(dir.resolve("b"));
        try (Server server = Server.start(new InetSocketAddress("127.0.0.1", 0), List.of(dir))) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            HttpResponse<String> all = Fixtures.get(base + "/health");
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(all.body()).contains("\"beacons\":2", "\"alive\":2", "\"not_alive\":[]");
            assertThat(Fixtures.get(base + "/health/").statusCode()).isEqualTo(200);

            Fixtures.kill9(b);
            HttpResponse<String> one = Fixtures.await("b not alive", () -> Fixtures.get(base + "/health"),
                    r -> r.statusCode() == 503);
            assertThat(one.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(one.body()).contains("\"alive\":1")
                    .contains("\"not_alive\":[{\"name\":\"b\",\"path\":\"" + dir.resolve("b") + "\",\"status\":\"dead\"}]");
            assertThat(Fixtures.get(base + "/health/a").statusCode()).isEqualTo(200);
            assertThat(Fixtures.get(base + "/healthz").statusCode()).isEqualTo(404);
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }

    @Test
    void onlyGetAndHeadAreAnswered() throws Exception {
        Process holder = Fixtures.holder(dir.resolve("daemon"));
        try (Server server = Server.start(new InetSocketAddress("127.0.0.1", 0), List.of(dir))) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            for (String path : List.of("/", "/metrics", "/health", "/health/daemon", "/api/beacons", "/events")) {
                for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                    HttpResponse<String> r = Fixtures.HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                            .method(method, HttpRequest.BodyPublishers.ofString("x")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
                    assertThat(r.headers().firstValue("Allow")).as(method + " " + path).hasValue("GET, HEAD");
                }
                HttpResponse<String> head = Fixtures.HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(head.statusCode()).as("HEAD " + path).isEqualTo(200);
                assertThat(head.body()).as("HEAD " + path).isEmpty();
            }
            assertThat(Fixtures.get(base + "/health/daemon").statusCode()).as("still serving").isEqualTo(200);
        } finally {
            Fixtures.kill9(holder);
        }
    }

    /** Subscribes to /events; each data line lands in {@code events}. */
    private static HttpResponse<java.io.InputStream> subscribe(String base, LinkedBlockingQueue<String> events)
            throws Exception {
        HttpResponse<java.io.InputStream> stream = Fixtures.HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        events.add(line.substring(6));
                    }
                }
            } catch (java.io.IOException closed) {
                // the test is over
            }
        });
        return stream;
    }

    /** The value of the one sample whose line starts with {@code prefix}. */
    private static double metric(String scrape, String prefix) {
        return scrape.lines().filter(l -> l.startsWith(prefix)).map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in\n" + scrape));
    }

    /** The time under {@code key} in a JSON text (the first one). */
    private static Instant time(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + key + " in " + json);
        }
        return Instant.parse(m.group(1));
    }

    @Test
    void aDirectoryThatDoesNotExistYetIsFollowedOnceItAppearsAndAgainOnceMadeAgain() throws Exception {
        Path later = dir.resolve("a").resolve("b");
        try (Server server = Server.start(new InetSocketAddress("127.0.0.1", 0), List.of(), List.of(later))) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            assertThat(Fixtures.get(base + "/api/beacons").body()).as("no row named after the directory").isEqualTo("[]");
            assertThat(Fixtures.get(base + "/health").statusCode()).isEqualTo(503);
            Files.createDirectories(later);
            Process first = Fixtures.holder(later.resolve("first"));
            try {
                Fixtures.await("the beacon in the new directory served",
                        () -> Fixtures.get(base + "/health/first").statusCode(), c -> c == 200);
                assertThat(Fixtures.get(base + "/health").statusCode())
                        .as("one beacon, alive: the temporary name it was made under is not followed").isEqualTo(200);
                assertThat(Fixtures.get(base + "/api/beacons").body()).doesNotContain("\"name\":\".");
            } finally {
                first.getOutputStream().close(); // a clean end: the holder removes its FIFO
                assertThat(first.waitFor(Fixtures.DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            }
            Files.delete(later);
            Files.createDirectory(later);
            Process second = Fixtures.holder(later.resolve("second"));
            try {
                Fixtures.await("the beacon in the directory made again served",
                        () -> Fixtures.get(base + "/health/second").statusCode(), c -> c == 200);
            } finally {
                Fixtures.kill9(second);
            }
        }
    }

    @Test
    void bindsToLoopbackByDefault() {
        assertThat(Server.DEFAULT_LISTEN.getAddress().isLoopbackAddress()).isTrue();
    }
}
