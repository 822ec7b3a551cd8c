package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Beacon;
import dev.lifeline.testkit.Running;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AOT cache's training run takes every fast path, prints nothing, and says when a check did not answer as it must. */
class TrainingTest {
    @TempDir
    Path dir;

    @Test
    void answersAsItMustOnALiveAndADeadBeacon() throws Exception {
        Cli.run(List.of("mkfifo", dir.resolve("dead").toString()), null, Map.of());
        Path log = dir.resolve("classes.log");
        Running.Result r;
        try (Beacon live = Beacon.open(dir.resolve("live"))) {
            r = Cli.run(List.of(Cli.javaBinary(), "-Xlog:class+load=info:file=" + log, "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Training.class.getName(), dir.toString()), null, Map.of());
        }
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEmpty();
        List<String> loaded = java.nio.file.Files.readAllLines(log);
        for (String name : List.of("Arguments", "FastHelp", "FastCheck", "CheckCommand", "StatusCommand", "WaitCommand")) {
            assertThat(loaded).as(name).anyMatch(line -> line.contains(" dev.lifeline.cli." + name + " "));
        }
        assertThat(loaded).noneMatch(line -> line.contains(" picocli."));
    }

    @Test
    void failsWhenTheLiveBeaconIsNotHeld() throws Exception {
        Cli.run(List.of("mkfifo", dir.resolve("dead").toString(), dir.resolve("live").toString()), null, Map.of());
        Running.Result r = Cli.run(List.of(Cli.javaBinary(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Training.class.getName(), dir.toString()), null, Map.of());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("lifeline training: exit codes [1, 1, 1, 1, 3,");
    }
}
