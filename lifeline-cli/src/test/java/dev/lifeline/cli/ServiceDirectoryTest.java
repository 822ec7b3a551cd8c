package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Service directories run by the real supervisors: s6-supervise (Debian package s6), runsv
 * (runit) and supervise (daemontools). A missing supervisor fails the test: it is never skipped.
 */
class ServiceDirectoryTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void s6AgreesWithS6SvokWhileSupervisedAndAfterTheSupervisorsSigkill() throws Exception {
        Path service = service("s6");
        assertThat(s6svok(service)).as("s6-svok before any supervisor").isEqualTo(1);
        assertThat(check(service).exitCode()).as("never supervised: absent").isEqualTo(3);
        supervised(List.of(tool("s6-supervise"), service.toString()), service, "s6", "control", () -> {
            assertThat(s6svok(service)).as("s6-svok while s6-supervise runs").isEqualTo(0);
        }, () -> {
            assertThat(s6svok(service)).as("s6-svok after s6-supervise's SIGKILL").isEqualTo(1);
        });
    }

    @Test
    void runit() throws Exception {
        Path service = service("runit");
        supervised(List.of(tool("runsv"), service.toString()), service, "runit", "ok", () -> { }, () -> { });
    }

    @Test
    void daemontools() throws Exception {
        Path service = service("daemontools");
        supervised(List.of(tool("supervise"), service.toString()), service, "daemontools", "ok", () -> { }, () -> { });
    }

    /**
     * Starts the supervisor, waits until check says alive (naming the supervisor and the FIFO it
     * checked), runs {@code whileUp}, SIGKILLs the supervisor, expects dead, runs {@code afterKill};
     * the service's own process, which outlives its supervisor, is killed at the end.
     */
    private void supervised(List<String> command, Path service, String supervisor, String fifo, Runnable whileUp,
            Runnable afterKill) throws Exception {
        Path pidFile = dir.resolve(service.getFileName() + ".pid");
        Process process = Cli.start(command, null, Map.of());
        Cli.drain(process.getInputStream());
        Cli.drain(process.getErrorStream());
        try {
            Path beacon = service.resolve("supervise").resolve(fifo);
            Running.Result up = Cli.poll(supervisor + " up", () -> check(service), r -> r.exitCode() == 0, PROMPTLY);
            assertThat(up.stdout()).isEqualTo(service + ": alive (" + supervisor + " service, checked " + beacon + ")\n");
            Running.Result json = Cli.run("check", "--json", service.toString());
            assertThat(json.stdout()).isEqualTo("{\"path\":\"" + service + "\",\"status\":\"alive\",\"supervisor\":\""
                    + supervisor + "\",\"beacon\":\"" + beacon + "\"}\n");
            Running.Result status = Cli.run("status", dir.toString());
            assertThat(status.stdout()).containsPattern("(?m)^alive .* " + Pattern.quote(service.toString())
                    + " \\(" + supervisor + " service");
            whileUp.run();
            Cli.poll("the service's pid file", () -> Files.exists(pidFile), Boolean::booleanValue, PROMPTLY);

            process.toHandle().destroyForcibly();
            Cli.waitFor(process);
            Running.Result down = check(service);
            assertThat(down.exitCode()).as(down.toString()).isEqualTo(1);
            assertThat(down.stdout()).isEqualTo(service + ": dead (the beacon is there and nobody holds it; "
                    + supervisor + " service, checked " + beacon + ")\n");
            afterKill.run();
        } finally {
            process.toHandle().destroyForcibly();
            if (Files.exists(pidFile)) {
                Cli.signal("KILL", Long.parseLong(Files.readString(pidFile).strip()));
            }
        }
    }

    private Path service(String name) throws IOException {
        Path service = Files.createDirectory(dir.resolve(name));
        Path run = service.resolve("run");
        // The service writes its pid where the test finds it, then becomes a long sleep; it gets
        // no descriptor of its supervisor's (both close theirs on exec).
        Files.writeString(run, "#!/bin/sh\necho $$ > " + dir.resolve(name + ".pid") + "\nexec sleep 1000\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        return service;
    }

    private static Running.Result check(Path service) {
        return Cli.run("check", service.toString());
    }

    private static int s6svok(Path service) {
        return Cli.run(List.of(tool("s6-svok"), service.toString()), null, Map.of()).exitCode();
    }

    /** The supervisor's binary; fails loudly when it is not installed (.ci/run installs it). */
    private static String tool(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(name + " is not installed: install the Debian packages s6, runit and daemontools");
    }
}
