package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Beacon;
import dev.lifeline.testkit.Running;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An AOT cache's training run takes its command's fast paths, prints nothing, and says when a check did not answer as it must. */
class TrainingTest {
    @TempDir
    Path dir;

    /** Each command's run loads that command's classes and no other's: each is a cache of its own. */
    @Test
    void answersAsItMustOnALiveAndADeadBeacon() throws Exception {
        Cli.run(List.of("mkfifo", dir.resolve("dead").toString()), null, Map.of());
        Map<String, String> commands = Map.of("check", "CheckCommand", "status", "StatusCommand", "wait", "WaitCommand");
        assertThat(Training.COMMANDS).containsExactlyInAnyOrderElementsOf(commands.keySet());
        for (var command : commands.entrySet()) {
            Path log = dir.resolve("classes-" + command.getKey() + ".log");
            Running.Result r;
            try (Beacon live = Beacon.open(dir.resolve("live"))) {
                r = Cli.run(List.of(Cli.javaBinary(), "-Xlog:class+load=info:file=" + log, "--enable-native-access=ALL-UNNAMED",
                        "-cp", System.getProperty("java.class.path"), Training.class.getName(), dir.toString(), command.getKey()),
                        null, Map.of());
            }
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).isEmpty();
            List<String> loaded = java.nio.file.Files.readAllLines(log);
            for (String name : List.of("Arguments", "FastHelp", "FastCheck", "StartupCache", command.getValue())) {
                assertThat(loaded).as(command.getKey() + ": " + name).anyMatch(line -> line.contains(" dev.lifeline.cli." + name + " "));
            }
            for (String other : commands.values()) {
                if (!other.equals(command.getValue())) {
                    assertThat(loaded).as(command.getKey() + ": not " + other).noneMatch(line -> line.contains(" dev.lifeline.cli." + other + " "));
                }
            }
            assertThat(loaded).noneMatch(line -> line.contains(" picocli."));
            assertThat(dir).as("the index it checked, gone").isDirectoryNotContaining(p -> p.getFileName().toString().equals("index"));
        }
    }

    @Test
    void refusesACommandItDoesNotTrain() throws Exception {
        for (List<String> rest : List.of(List.<String>of(), List.of("hold"), List.of("check", "status"))) {
            List<String> command = new java.util.ArrayList<>(List.of(Cli.javaBinary(), "-cp", System.getProperty("java.class.path"),
                    Training.class.getName(), dir.toString()));
            command.addAll(rest);
            Running.Result r = Cli.run(command, null, Map.of());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.stderr()).startsWith("usage: Training DIR check|status|wait");
        }
    }

    @Test
    void failsWhenTheLiveBeaconIsNotHeld() throws Exception {
        Cli.run(List.of("mkfifo", dir.resolve("dead").toString(), dir.resolve("live").toString()), null, Map.of());
        Running.Result r = Cli.run(List.of(Cli.javaBinary(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Training.class.getName(), dir.toString(), "check"), null, Map.of());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("lifeline training: exit codes [1, 1, 1, 1, 3,");
    }
}
