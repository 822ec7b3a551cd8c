package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when the JVM is not set up for lifeline, or the platform is not served. */
class PlatformTest {
    @TempDir
    Path dir;

    @Test
    void missingNativeAccessIsExplainedWithTheExactOption() throws Exception {
        Result r = run(List.of(), "check", dir.resolve("b").toString());
        assertThat(r.stdout).startsWith("ABSENT ");
        assertThat(r.stderr).contains("lifeline calls the C library").contains("--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void deniedNativeAccessFailsWithTheExactOption() throws Exception {
        Result r = run(List.of("--illegal-native-access=deny"), "check", dir.resolve("b").toString());
        assertThat(r.exit).isNotZero();
        assertThat(r.stderr).contains("IllegalCallerException").contains("--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void anotherOperatingSystemIsToldPlainly() throws Exception {
        Result r = run(List.of("--enable-native-access=ALL-UNNAMED", "-Dos.name=Darwin"),
                "check", dir.resolve("b").toString());
        assertThat(r.exit).isNotZero();
        assertThat(r.stderr).contains("UnsupportedOperationException")
                .contains("lifeline supports Linux on x86_64 and aarch64; this is Darwin");
    }

    record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Processes.javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Child.class.getName());
        command.addAll(List.of(args));
        Path err = java.nio.file.Files.createTempFile("lifeline-stderr", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            return new Result(p.exitValue(), out, java.nio.file.Files.readString(err));
        } finally {
            java.nio.file.Files.deleteIfExists(err);
        }
    }
}
