package dev.lifeline.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus server scrapes lifeline serve and sees a beacon die. */
class PrometheusTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    @TempDir
    Path dir;

    @Test
    void prometheusSeesTheBeaconGoDownAfterSigkill() throws Exception {
        assertThat(Files.isExecutable(PROMETHEUS))
                .as("the Debian package 'prometheus' must be installed (.ci/run installs it)").isTrue();
        Path beacons = Files.createDirectory(dir.resolve("beacons"));
        Process holder = Fixtures.holder(beacons.resolve("daemon"));
        Process prometheus = null;
        try (Server server = Server.start(new InetSocketAddress("127.0.0.1", 0), List.of(beacons))) {
            int port = freePort();
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: lifeline
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(server.address().getPort()));
            prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            String api = "http://127.0.0.1:" + port;
            Fixtures.await("Prometheus ready", () -> status(api + "/-/ready"), c -> c == 200);
            Fixtures.await("Prometheus sees the beacon up", () -> value(api, "lifeline_beacon_up{beacon=\"daemon\"}"),
                    "1"::equals);
            Fixtures.kill9(holder);
            Fixtures.await("Prometheus sees the beacon down", () -> value(api, "lifeline_beacon_up{beacon=\"daemon\"}"),
                    "0"::equals);
            assertThat(value(api, "lifeline_beacon_state{beacon=\"daemon\",state=\"dead\"}")).isEqualTo("1");
        } finally {
            holder.destroyForcibly();
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor();
            }
        }
    }

    private static int status(String url) {
        try {
            return Fixtures.get(url).statusCode();
        } catch (AssertionError notYet) {
            return -1;
        }
    }

    /** The value of an instant query's single sample, or "" when there is none yet. */
    private static String value(String api, String query) {
        String body;
        try {
            body = Fixtures.get(api + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)).body();
        } catch (AssertionError notYet) {
            return "";
        }
        Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]").matcher(body);
        return m.find() ? m.group(1) : "";
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
