package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when the platform is not served. (Native access, which only the FFM backend
 * needs, is internal.linux.ffm.NativeAccessTest's.)
 */
class PlatformTest {
    @TempDir
    Path dir;

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
        return runOn(System.getProperty("java.class.path"), jvmOptions, args);
    }

    private static Result runOn(String classPath, List<String> jvmOptions, String... args) throws Exception {
        return runMain(classPath, jvmOptions, Child.class.getName(), args);
    }

    private static Result runMain(String classPath, List<String> jvmOptions, String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Processes.javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
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
