package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeaconDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void theRuntimeDirectoryFirstThenRunForRootThenTmpPerUser() {
        assertThat(BeaconDirectory.of(Map.of("XDG_RUNTIME_DIR", "/r/1000"), 1000)).isEqualTo(Path.of("/r/1000/lifeline"));
        assertThat(BeaconDirectory.of(Map.of("XDG_RUNTIME_DIR", "/r/0"), 0)).isEqualTo(Path.of("/r/0/lifeline"));
        assertThat(BeaconDirectory.of(Map.of(), 0)).isEqualTo(Path.of("/run/lifeline"));
        assertThat(BeaconDirectory.of(Map.of(), 1000)).isEqualTo(Path.of("/tmp/lifeline-1000"));
        assertThat(BeaconDirectory.of(Map.of("XDG_RUNTIME_DIR", "relative"), 1000))
                .as("a relative XDG_RUNTIME_DIR is invalid, so ignored").isEqualTo(Path.of("/tmp/lifeline-1000"));
        assertThat(BeaconDirectory.of(Map.of("XDG_RUNTIME_DIR", ""), 0)).isEqualTo(Path.of("/run/lifeline"));
    }

    @Test
    void onlyANameWithoutASlashIsBare() {
        assertThat(BeaconDirectory.isBareName("worker")).isTrue();
        assertThat(BeaconDirectory.isBareName("worker.beacon")).isTrue();
        assertThat(BeaconDirectory.isBareName("./worker")).isFalse();
        assertThat(BeaconDirectory.isBareName("/run/worker")).isFalse();
        assertThat(BeaconDirectory.isBareName("a/b")).isFalse();
        assertThat(BeaconDirectory.isBareName(".")).isFalse();
        assertThat(BeaconDirectory.isBareName("..")).isFalse();
    }

    @Test
    void holdCreatesTheDefaultDirectoryPrivateAndCheckFindsTheBareName() throws Exception {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", dir.toString());
        Path beacon = dir.resolve("lifeline").resolve("worker");
        try (Running holder = Cli.holder(Cli.java("hold", "worker"), env)) {
            assertThat(holder.line()).isEqualTo("holding " + beacon + " (pid " + holder.process().pid() + ")");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("lifeline"))))
                    .isEqualTo("rwx------");
            Running.Result r = Cli.run(Cli.java("check", "worker"), null, env);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).isEqualTo(beacon + ": alive\n");
        }
    }

    @Test
    void runAndExecCreateItToo() {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", dir.toString());
        Running.Result run = Cli.run(Cli.java("run", "worker", "--", "sh", "-c", "readlink /proc/$$/fd/3"), null, env);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
        assertThat(run.stdout()).isEqualTo(dir.resolve("lifeline").resolve("worker") + "\n");
        Running.Result exec = Cli.run(Cli.java("exec", "other", "--", "true"), null, env);
        assertThat(exec.exitCode()).as(exec.toString()).isEqualTo(0);
    }

    @Test
    void checkNeverCreatesIt() {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", dir.toString());
        Running.Result r = Cli.run(Cli.java("check", "worker"), null, env);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(dir.resolve("lifeline")).doesNotExist();
    }
}
