package dev.lifeline.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
    void bindsToLoopbackByDefault() {
        assertThat(Server.DEFAULT_LISTEN.getAddress().isLoopbackAddress()).isTrue();
    }
}
