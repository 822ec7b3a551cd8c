package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as users run it: {@code java -jar}, no JVM options. */
class JarIT {
    private static final Path JAR = Path.of(System.getProperty("lifeline.jar"));

    @TempDir
    Path dir;

    @Test
    void runsWithJavaJarAndNoNativeAccessWarning() {
        assertThat(JAR).isRegularFile();
        Path beacon = dir.resolve("b");
        Running.Result r = Cli.run(List.of(Cli.javaBinary(), "-jar", JAR.toString(), "check", beacon.toString()), dir, Map.of());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo(beacon + ": absent (there is no beacon)\n");
        assertThat(r.stderr()).as("the manifest grants native access: no warning").isEmpty();
    }

    @Test
    void holdsThroughTheJarsClassPath() {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.holder(List.of(Cli.javaBinary(), "-jar", JAR.toString(), "hold", beacon.toString()))) {
            assertThat(holder.line()).isEqualTo("holding " + beacon + " (pid " + holder.process().pid() + ")");
            assertThat(Cli.run("check", "-q", beacon.toString()).exitCode()).isZero();
            assertThat(holder.terminate()).isZero();
            assertThat(holder.stderr()).isEmpty();
        }
        assertThat(Files.exists(beacon)).isFalse();
    }

    @Test
    void versionComesFromTheBuild() {
        Running.Result r = Cli.run(List.of(Cli.javaBinary(), "-jar", JAR.toString(), "--version"), dir, Map.of());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("lifeline " + System.getProperty("lifeline.version") + "\n");
    }
}
