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
        // One clear exception on top, not an error of whichever class happened to link first.
        assertThat(r.stderr).startsWith("Exception in thread \"main\" java.lang.IllegalCallerException: lifeline calls the C library")
                .doesNotContain("AssertionError").doesNotContain("ExceptionInInitializerError");
    }

    /**
     * On the module path the option names the module, and no manifest attribute is suggested. The
     * application is a class of its own package on the class path (the tests' classes share the
     * module's package, which the module then owns), compiled here.
     */
    @Test
    void deniedNativeAccessOnTheModulePathNamesTheModule() throws Exception {
        List<String> entries = List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator));
        String module = entries.stream().filter(e -> Path.of(e).endsWith(Path.of("target", "classes"))).findFirst().orElseThrow();
        Path source = java.nio.file.Files.createDirectories(dir.resolve("src/app")).resolve("CheckMain.java");
        java.nio.file.Files.writeString(source, """
                package app;
                public class CheckMain {
                    public static void main(String[] args) {
                        System.out.println(dev.lifeline.Lifeline.check(java.nio.file.Path.of(args[0])));
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        Process javac = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--module-path", module, "--add-modules", "dev.lifeline", "-d", classes.toString(), source.toString())
                .inheritIO().start();
        assertThat(javac.waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS) && javac.exitValue() == 0).as("javac").isTrue();
        Result r = runMain(classes.toString(), List.of("--illegal-native-access=deny", "--module-path", module,
                "--add-modules", "dev.lifeline"), "app.CheckMain", dir.resolve("b").toString());
        assertThat(r.exit).isNotZero();
        assertThat(r.stderr).startsWith("Exception in thread \"main\" java.lang.IllegalCallerException: lifeline calls the C library")
                .contains("--enable-native-access=dev.lifeline").doesNotContain("manifest");
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
