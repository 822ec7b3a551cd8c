package dev.lifeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.Status.State;
import dev.lifeline.testkit.Running;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's own {@code jwebserver}, a program that knows nothing of lifeline, given the agent
 * through {@code JAVA_TOOL_OPTIONS} as an operator would.
 */
class AgentJwebserverTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private Running jwebserver(Path beacon) throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("hello.txt"), "hello from jwebserver\n");
        String tool = Jvm.javaHome().resolve("bin/jwebserver").toString();
        return Jvm.start(List.of(tool, "-p", "0", "-b", "127.0.0.1", "-d", site.toString()),
                Map.of("JAVA_TOOL_OPTIONS", Jvm.agent(beacon + ",heartbeat=1s")));
    }

    private static String get(String url) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }

    @Test
    void aliveWhileServingHungUnderSigstopAliveAfterSigcontDeadAfterSigkill() throws Exception {
        Path beacon = dir.resolve("jwebserver");
        Probe probe = Probe.of(beacon);
        try (Running server = jwebserver(beacon)) {
            String url = server.awaitLine(l -> l.startsWith("URL http://"), Jvm.START).substring(4);
            Status alive = Jvm.await(probe, State.ALIVE, Jvm.START);
            assertThat(get(url + "hello.txt")).isEqualTo("hello from jwebserver\n");
            alive = Jvm.awaitBeating(probe, Jvm.START);
            assertThat(alive.lastBeat()).as("the agent beats: " + alive).isPresent();
            assertThat(probe.holderPid()).hasValue(server.pid());

            server.signal("STOP");
            Instant stopped = Instant.now();
            Status hung = Jvm.await(probe, State.HUNG, HEARTBEAT.plusSeconds(30));
            // The promise the frozen JVM made before it stopped runs out at most one heartbeat
            // after the stop: HUNG comes within the promised deadline.
            assertThat(hung.deadline()).isPresent();
            assertThat(hung.deadline().get()).isBeforeOrEqualTo(stopped.plus(HEARTBEAT));

            server.signal("CONT");
            Jvm.await(probe, State.ALIVE, Duration.ofSeconds(30));
            assertThat(get(url + "hello.txt")).isEqualTo("hello from jwebserver\n");

            server.signal("KILL");
            assertThat(server.exit(Duration.ofSeconds(30))).isEqualTo(128 + 9);
            assertThat(probe.check().state()).isEqualTo(State.DEAD);
            assertThat(Jvm.stderrOfOthers(server)).as("the agent adds nothing to stderr").isEmpty();
        }
    }

    @Test
    void absentAfterACleanStopBySigterm() throws Exception {
        Path beacon = dir.resolve("jwebserver");
        Probe probe = Probe.of(beacon);
        try (Running server = jwebserver(beacon)) {
            String url = server.awaitLine(l -> l.startsWith("URL http://"), Jvm.START).substring(4);
            Jvm.await(probe, State.ALIVE, Jvm.START);
            assertThat(get(url + "hello.txt")).isEqualTo("hello from jwebserver\n");
            server.signal("TERM");
            server.exit(Duration.ofSeconds(60));
            assertThat(probe.check().state()).isEqualTo(State.ABSENT);
            assertThat(beacon).doesNotExist();
            assertThat(Jvm.stderrOfOthers(server)).as("the agent adds nothing to stderr").isEmpty();
        }
    }
}
