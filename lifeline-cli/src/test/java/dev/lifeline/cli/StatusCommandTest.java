package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconOption;
import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
    @TempDir
    Path dir;

    @Test
    void oneRowPerBeaconInEveryStateAndTheWorstStateIsTheExitStatus() throws Exception {
        Path alive = dir.resolve("alive");
        Path dead = dir.resolve("dead");
        Path hung = dir.resolve("hung");
        Path absent = dir.resolve("absent");
        Path file = Files.writeString(dir.resolve("file"), "not a beacon");
        Beacon.open(dead, BeaconOption.KEEP_ON_CLOSE).close();
        try (Running holder = Cli.hold(alive.toString()); Beacon late = Beacon.open(hung)) {
            late.beat(Duration.ofMillis(1));
            Cli.poll("hung", () -> Probe.of(hung).check().state(), Status.State.HUNG::equals, Duration.ofSeconds(10));

            Running.Result r = Cli.run("status", dir.toString(), absent.toString(), file.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
            String[] lines = r.stdout().split("\n");
            assertThat(lines).hasSize(6);
            assertThat(lines[0]).matches("STATE +LAST BEAT +DEADLINE +OWNER +PID +CHECK +PATH");
            assertThat(lines[1]).as("sorted by name; a regular file in DIR is no beacon")
                    .matches("alive +- +- +root +" + holder.process().pid() + " +\\d+ us +" + Pattern.quote(alive.toString()));
            assertThat(lines[2]).matches("dead +- +- +root +- +\\d+ us +" + Pattern.quote(dead.toString()));
            assertThat(lines[3]).as("held by this JVM").matches("hung +\\d+\\.\\ds ago +\\d+\\.\\ds ago +root +"
                    + ProcessHandle.current().pid() + " +\\d+ us +" + Pattern.quote(hung.toString()));
            assertThat(lines[4]).matches("absent +- +- +- +- +\\d+ us +" + Pattern.quote(absent.toString()));
            assertThat(lines[5]).matches("unknown +- +- +root +- +\\d+ us +" + Pattern.quote(file.toString()));
            assertThat(r.stdout()).as("no colour when stdout is not a terminal").doesNotContain("\u001b");
            assertThat(r.stderr()).isEqualTo("lifeline: unable to check " + file + ": is a regular file, not a FIFO\n");

            Running.Result json = Cli.run("status", "--json", dir.toString(), file.toString());
            assertThat(json.exitCode()).isEqualTo(4);
            String[] objects = json.stdout().split("\n");
            assertThat(objects).hasSize(4);
            assertThat(objects[0]).matches("\\{\"path\":\"" + Pattern.quote(alive.toString())
                    + "\",\"status\":\"alive\",\"owner\":\"root\",\"pid\":" + holder.process().pid() + ",\"check_us\":\\d+}");
            assertThat(objects[1]).matches("\\{\"path\":\"" + Pattern.quote(dead.toString())
                    + "\",\"status\":\"dead\",\"owner\":\"root\",\"check_us\":\\d+}");
            assertThat(objects[2]).matches("\\{\"path\":\"" + Pattern.quote(hung.toString())
                    + "\",\"status\":\"hung\",\"last_beat\":\"[^\"]+\",\"deadline\":\"[^\"]+\",\"owner\":\"root\",\"pid\":" + ProcessHandle.current().pid() + ",\"check_us\":\\d+}");
            assertThat(objects[3]).matches("\\{\"path\":\"" + Pattern.quote(file.toString())
                    + "\",\"status\":\"unknown\",\"fault\":\"not_a_fifo\",\"reason\":\"is a regular file, not a FIFO\",\"owner\":\"root\",\"check_us\":\\d+}");

            assertThat(Cli.run("status", dir.toString()).exitCode()).as("dead is worse than hung").isEqualTo(1);
            assertThat(Cli.run("status", alive.toString(), hung.toString(), absent.toString()).exitCode())
                    .as("hung is worse than absent").isEqualTo(150);
            assertThat(Cli.run("status", alive.toString(), absent.toString()).exitCode()).isEqualTo(3);
            assertThat(Cli.run("status", alive.toString()).exitCode()).isEqualTo(0);
        }
    }

    @Test
    void theDefaultDirectoryByDefaultAndNothingRunningWhenItIsMissingOrEmpty() throws Exception {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", dir.toString());
        Running.Result none = Cli.run(Cli.java("status"), null, env);
        assertThat(none.exitCode()).as("a missing directory is not all alive: " + none).isEqualTo(3);
        assertThat(none.stdout()).isEmpty();
        assertThat(none.stderr()).isEqualTo("lifeline: no beacons: " + dir.resolve("lifeline") + " does not exist\n");
        Files.createDirectory(dir.resolve("lifeline"));
        Running.Result empty = Cli.run(Cli.java("status"), null, env);
        assertThat(empty.exitCode()).as(empty.toString()).isEqualTo(3);
        assertThat(empty.stderr()).isEqualTo("lifeline: no beacons in " + dir.resolve("lifeline") + "\n");
        try (Running holder = Cli.holder(Cli.java("hold", "worker"), env)) {
            Running.Result r = Cli.run(Cli.java("status", "--json"), null, env);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).startsWith("{\"path\":\"" + dir.resolve("lifeline").resolve("worker") + "\",\"status\":\"alive\"");
        }
    }

    @Test
    void anEmptyOrMissingDirectoryIsNothingRunningNotAllAlive() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        for (String json : new String[] {"--human", "--json"}) {
            String[] args = json.equals("--json") ? new String[] {"status", "--json", empty.toString()}
                    : new String[] {"status", empty.toString()};
            Running.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
            assertThat(r.stdout()).as(r.toString()).isEmpty();
            assertThat(r.stderr()).isEqualTo("lifeline: no beacons in " + empty + "\n");
        }
        Running.Result slash = Cli.run("status", empty + "/");
        assertThat(slash.exitCode()).as(slash.toString()).isEqualTo(3);
        assertThat(slash.stderr()).isEqualTo("lifeline: no beacons in " + empty + "\n");

        Path missing = dir.resolve("missing");
        Running.Result gone = Cli.run("status", missing + "/");
        assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(3);
        assertThat(gone.stdout()).isEmpty();
        assertThat(gone.stderr()).isEqualTo("lifeline: no beacons: " + missing + " does not exist\n");
        assertThat(missing).as("status creates nothing").doesNotExist();

        Running.Result beacon = Cli.run("status", missing.toString());
        assertThat(beacon.exitCode()).as("without the slash, a missing path is a beacon: " + beacon).isEqualTo(3);
        assertThat(beacon.stdout()).contains("absent").contains(missing.toString());

        try (Running holder = Cli.hold(dir.resolve("alive").toString())) {
            Running.Result mixed = Cli.run("status", dir.resolve("alive").toString(), empty.toString());
            assertThat(mixed.exitCode()).as("an empty directory beside an alive beacon: " + mixed).isEqualTo(3);
            Running.Result listed = Cli.run("status", dir + "/");
            assertThat(listed.exitCode()).as("a directory with a slash is listed as without: " + listed).isEqualTo(0);
            assertThat(listed.stdout()).contains(dir.resolve("alive").toString());
        }
    }

    @Test
    void helpListsEveryExitCode() {
        Running.Result r = Cli.run("status", "--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("Exit codes:")
                .containsPattern("(?m)^\\s+0\\s+every beacon alive")
                .containsPattern("(?m)^\\s+1\\s+at least one dead")
                .containsPattern("(?m)^\\s+3\\s+at least one absent")
                .containsPattern("(?m)^\\s+4\\s+at least one unknown")
                .containsPattern("(?m)^\\s+150\\s+at least one hung");
    }
}
