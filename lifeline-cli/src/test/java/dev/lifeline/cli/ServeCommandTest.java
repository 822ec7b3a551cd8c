package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifeline serve} as a process: one line once serving, the endpoints, exit 0 on SIGTERM. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void servesTheDirectoryAndStopsCleanly() throws Exception {
        Path beacon = dir.resolve("daemon");
        try (Running daemon = Cli.hold(beacon.toString());
                Running serve = Cli.holder(Cli.java("serve", "--listen", "127.0.0.1:0", dir.toString()))) {
            assertThat(daemon.line()).startsWith("holding ");
            String line = serve.line();
            Matcher m = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/ for " + Pattern.quote(dir.toString())).matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            String base = "http://127.0.0.1:" + m.group(1);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = Cli.poll("healthy", () -> get(http, base + "/health/daemon"),
                    r -> r != null && r.statusCode() == 200, java.time.Duration.ofSeconds(30));
            assertThat(health.body()).contains("\"status\":\"alive\"");
            assertThat(get(http, base + "/metrics").body()).contains("lifeline_beacon_up{beacon=\"daemon\"");
            assertThat(serve.terminate()).isZero();
        }
    }

    @Test
    void withoutArgumentsItFollowsTheDefaultDirectoryMadeIfMissing() throws Exception {
        Path runtime = dir.resolve("runtime");
        java.nio.file.Files.createDirectory(runtime);
        java.util.Map<String, String> env = java.util.Map.of("XDG_RUNTIME_DIR", runtime.toString());
        try (Running serve = Cli.holder(Cli.java("serve", "--listen", "127.0.0.1:0"), env)) {
            Path beacons = runtime.resolve("lifeline");
            assertThat(serve.line()).startsWith("serving http://127.0.0.1:").endsWith(" for " + beacons);
            assertThat(java.nio.file.Files.getPosixFilePermissions(beacons))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            String port = serve.line().replaceAll(".*127\\.0\\.0\\.1:(\\d+)/.*", "$1");
            try (Running daemon = Cli.holder(Cli.java("hold", "app"), env)) {
                assertThat(daemon.line()).startsWith("holding " + beacons.resolve("app"));
                HttpClient http = HttpClient.newHttpClient();
                Cli.poll("the new beacon served", () -> get(http, "http://127.0.0.1:" + port + "/health/app"),
                        r -> r != null && r.statusCode() == 200, java.time.Duration.ofSeconds(30));
            }
            assertThat(serve.terminate()).isZero();
        }
    }

    @Test
    void aDirectoryWrittenWithASlashIsServedOnceItAppears() throws Exception {
        Path later = dir.resolve("later");
        try (Running serve = Cli.holder(Cli.java("serve", "--listen", "127.0.0.1:0", later + "/"))) {
            String line = serve.line();
            Matcher m = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/ for .*").matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            String base = "http://127.0.0.1:" + m.group(1);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> none = get(http, base + "/health");
            assertThat(none.statusCode()).as("nothing followed yet is not all alive").isEqualTo(503);
            assertThat(get(http, base + "/api/beacons").body()).as("no row named after the directory").isEqualTo("[]");
            java.nio.file.Files.createDirectory(later);
            try (Running daemon = Cli.hold(later.resolve("app").toString())) {
                assertThat(daemon.line()).startsWith("holding ");
                Cli.poll("the new beacon served", () -> get(http, base + "/health/app"),
                        r -> r != null && r.statusCode() == 200, java.time.Duration.ofSeconds(30));
                assertThat(get(http, base + "/health").statusCode()).isEqualTo(200);
            }
            assertThat(serve.terminate()).isZero();
        }
    }

    @Test
    void aBadAddressIsAUsageError() {
        Running.Result r = Cli.run("serve", "--listen", "nowhere:port");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("HOST:PORT");
    }

    @Test
    void anAddressInUseIsNamedAsGivenAndExits4() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            Running.Result r = Cli.run("serve", "--listen", address, dir.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
            assertThat(r.stderr()).as(r.toString()).startsWith("lifeline: unable to serve on " + address + ": ");
        }
    }

    @Test
    void hostPortBracketsAnIpv6Address() {
        assertThat(ServeCommand.hostPort(new java.net.InetSocketAddress("::1", 9464))).isEqualTo("[0:0:0:0:0:0:0:1]:9464");
        assertThat(ServeCommand.hostPort(new java.net.InetSocketAddress("127.0.0.1", 9464))).isEqualTo("127.0.0.1:9464");
    }

    private static HttpResponse<String> get(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception notYet) {
            return null;
        }
    }
}
