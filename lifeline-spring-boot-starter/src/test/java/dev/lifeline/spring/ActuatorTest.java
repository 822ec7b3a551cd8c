package dev.lifeline.spring;

import static dev.lifeline.spring.Fixtures.await;
import static dev.lifeline.spring.Fixtures.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.lifeline.Probe;
import dev.lifeline.Status;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Spring Boot web application on a random port, with its own beacon (heartbeat 300 ms)
 * and three dependencies: {@code db}, held by a child JVM that the test kills; {@code clock},
 * held by a child JVM that beats; {@code junk}, a regular file lifeline cannot call a beacon.
 * Metrics are exported (Prometheus), as they are outside tests.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoint.health.show-details=always", "lifeline.beacon.heartbeat=300ms",
                "management.endpoints.web.exposure.include=health,prometheus"})
@AutoConfigureMetrics
@DirtiesContext // closed after this class, before its directory is removed
class ActuatorTest {
    static final Duration PROMISE = Duration.ofMillis(300);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static Process db;
    static Process clock;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    MeterRegistry meters;

    @BeforeAll
    static void holders() throws Exception {
        Files.writeString(dir.resolve("junk"), "not a FIFO");
        db = Fixtures.holder(dir.resolve("db"), null);
        clock = Fixtures.holder(dir.resolve("clock"), PROMISE);
    }

    @AfterAll
    static void stopHolders() throws InterruptedException {
        for (Process p : new Process[] {db, clock}) {
            if (p != null) {
                Fixtures.kill9(p);
            }
        }
    }

    @DynamicPropertySource
    static void beacons(DynamicPropertyRegistry registry) {
        registry.add("lifeline.beacon.path", () -> dir.resolve("app").toString());
        registry.add("lifeline.dependencies.db", () -> dir.resolve("db").toString());
        registry.add("lifeline.dependencies.clock", () -> dir.resolve("clock").toString());
        registry.add("lifeline.dependencies.junk", () -> dir.resolve("junk").toString());
    }

    @Test
    void ownBeaconAliveAndBeatingWhileTheContextRuns() {
        Status status = await("the application's beacon, beating", Probe.of(dir.resolve("app"))::check,
                s -> s.state() == Status.State.ALIVE && s.deadline().isPresent());
        assertThat(status.deadline().orElseThrow()).isAfter(status.lastBeat().orElseThrow());
    }

    @Test
    void hungWhileLivenessIsBrokenAliveAgainOnceCorrect() {
        Path app = dir.resolve("app");
        // Beating first: a beacon that never promised anything cannot miss a deadline.
        await(app + " beating", Probe.of(app)::check,
                s -> s.state() == Status.State.ALIVE && s.deadline().isPresent());
        AvailabilityChangeEvent.publish(context, LivenessState.BROKEN);
        try {
            Status hung = awaitState(app, Status.State.HUNG);
            assertThat(hung.deadline().orElseThrow()).isBefore(Instant.now());
        } finally {
            AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
        }
        Status alive = await(app + " beating again", Probe.of(app)::check,
                s -> s.state() == Status.State.ALIVE && s.deadline().orElseThrow().isAfter(Instant.now()));
        assertThat(alive.lastBeat()).isPresent();
    }

    @Test
    void healthShowsADependencyDownAfterSigkillOfItsHolder() throws Exception {
        String before = await("health with db UP", () -> health().body(),
                body -> "UP".equals(JsonPath.read(body, "$.components.lifeline.components.db.status")));
        assertThat(health().statusCode()).isEqualTo(200);
        assertThat((String) JsonPath.read(before, "$.status")).isEqualTo("UP");
        assertThat((Double) gauge("lifeline.beacon.up", "db")).isEqualTo(1.0);

        Fixtures.kill9(db);

        String after = await("health with db DOWN", () -> health().body(),
                body -> "DOWN".equals(JsonPath.read(body, "$.components.lifeline.components.db.status")));
        assertThat((String) JsonPath.read(after, "$.components.lifeline.components.db.details.state"))
                .isEqualTo("DEAD");
        assertThat((String) JsonPath.read(after, "$.components.lifeline.components.db.details.path"))
                .isEqualTo(dir.resolve("db").toString());
        assertThat((String) JsonPath.read(after, "$.status")).isEqualTo("DOWN");
        assertThat(health().statusCode()).isEqualTo(503);
        assertThat(gauge("lifeline.beacon.up", "db")).isEqualTo(0.0);
        assertThat(meters.get("lifeline.beacon.state").tags("beacon", "db", "state", "dead").gauge().value())
                .isEqualTo(1.0);
        assertThat(meters.get("lifeline.beacon.state").tags("beacon", "db", "state", "alive").gauge().value())
                .isEqualTo(0.0);
    }

    @Test
    void aBeatingDependencyShowsItsHeartbeatInHealthAndGauges() {
        String body = await("health with clock's heartbeat", () -> health().body(),
                b -> JsonPath.<Object>read(b, "$.components.lifeline.components.clock.details").toString()
                        .contains("deadline"));
        String clock = "$.components.lifeline.components.clock";
        assertThat((String) JsonPath.read(body, clock + ".status")).isEqualTo("UP");
        Instant lastBeat = Instant.parse(JsonPath.read(body, clock + ".details.lastBeat"));
        Instant deadline = Instant.parse(JsonPath.read(body, clock + ".details.deadline"));
        assertThat(Duration.between(lastBeat, deadline)).isEqualTo(PROMISE);
        double age = gauge("lifeline.beacon.heartbeat.age", "clock");
        assertThat(age).isBetween(0.0, 60.0);
        assertThat(gauge("lifeline.beacon.heartbeat.age", "db")).isNaN();
    }

    @Test
    void heartbeatFiguresFollowEveryBeatNotJustTheFirst() {
        // clock beats every 100 ms without ever changing state; after each beat a probe sees,
        // health and gauges must show that beat or a later one, never an earlier report.
        Probe probe = Probe.of(dir.resolve("clock"));
        String clock = "$.components.lifeline.components.clock";
        String labels = "{beacon=\"clock\",path=\"" + dir.resolve("clock") + "\"}";
        Status first = null;
        Instant seen = Instant.EPOCH;
        for (int beat = 0; beat < 6; beat++) {
            Instant previous = seen;
            Status fresh = await("a beat after " + previous, probe::check,
                    s -> s.lastBeat().isPresent() && s.lastBeat().get().isAfter(previous));
            seen = fresh.lastBeat().orElseThrow();
            first = first == null ? fresh : first;
            Instant deadline = fresh.deadline().orElseThrow();

            String body = health().body();
            assertThat(Instant.parse(JsonPath.read(body, clock + ".details.lastBeat")))
                    .as("health's lastBeat after beat %d", beat).isAfterOrEqualTo(seen);
            assertThat(Instant.parse(JsonPath.read(body, clock + ".details.deadline")))
                    .as("health's deadline after beat %d", beat).isAfterOrEqualTo(deadline);
            double age = gauge("lifeline.beacon.heartbeat.age", "clock");
            double sinceSeen = Duration.between(seen, Instant.now()).toNanos() / 1e9;
            assertThat(age).as("the age gauge after beat %d", beat).isLessThanOrEqualTo(sinceSeen + 0.002);
            assertThat(gauge("lifeline.beacon.heartbeat.deadline", "clock")).as("the deadline gauge after beat %d", beat)
                    .isGreaterThanOrEqualTo(deadline.toEpochMilli() / 1000.0);
            String scrape = get("/actuator/prometheus").body();
            double scraped = scrape.lines().filter(l -> l.startsWith("lifeline_beacon_heartbeat_age_seconds" + labels))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
            assertThat(scraped).as("the scraped age after beat %d", beat)
                    .isLessThanOrEqualTo(Duration.between(seen, Instant.now()).toNanos() / 1e9 + 0.002);
        }
        assertThat(seen).isAfter(first.lastBeat().orElseThrow());
    }

    @Test
    void aRegularFileIsUnknownWithItsFaultAndLeavesOverallHealthAlone() throws IOException {
        String body = health().body();
        String junk = "$.components.lifeline.components.junk";
        assertThat((String) JsonPath.read(body, junk + ".status")).isEqualTo("UNKNOWN");
        assertThat((String) JsonPath.read(body, junk + ".details.state")).isEqualTo("UNKNOWN");
        assertThat((String) JsonPath.read(body, junk + ".details.fault")).isEqualTo("NOT_A_FIFO");
        assertThat((String) JsonPath.read(body, junk + ".details.reason")).isNotBlank();
        assertThat(Files.readString(dir.resolve("junk"))).isEqualTo("not a FIFO");
        assertThat(gauge("lifeline.beacon.state", "junk", "state", "unknown")).isEqualTo(1.0);
    }

    @Test
    void prometheusScrapeNamesAndLabelsAsLifelineServe() {
        String clock = "{beacon=\"clock\",path=\"" + dir.resolve("clock") + "\"";
        String scrape = await("a scrape with clock's heartbeat", () -> get("/actuator/prometheus").body(),
                body -> body.contains("lifeline_beacon_heartbeat_age_seconds" + clock + "}"));
        assertThat(scrape.lines())
                .contains("lifeline_beacon_up" + clock + "} 1.0")
                .contains("lifeline_beacon_state" + clock + ",state=\"alive\"} 1.0")
                .contains("lifeline_beacon_state" + clock + ",state=\"hung\"} 0.0")
                .contains("lifeline_beacon_state" + clock + ",state=\"dead\"} 0.0")
                .contains("lifeline_beacon_state" + clock + ",state=\"absent\"} 0.0")
                .contains("lifeline_beacon_state" + clock + ",state=\"unknown\"} 0.0")
                .anyMatch(line -> line.startsWith("lifeline_beacon_heartbeat_deadline_seconds" + clock + "} "));
    }

    private double gauge(String name, String beacon, String... tags) {
        return meters.get(name).tag("beacon", beacon).tags(tags).gauge().value();
    }

    private HttpResponse<String> health() {
        return get("/actuator/health");
    }

    private HttpResponse<String> get(String path) {
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("GET " + uri, e);
        }
    }
}
