package dev.lifeline.internal.linux.ffm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Lifeline;
import dev.lifeline.testkit.Running;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of the FFM backend (Java 22+) sees when the JVM is not set up for native access.
 * Compiled for 22 and run on 25 only: Java 17 has neither the restriction nor its options.
 */
class NativeAccessTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** {@code Check PATH}: prints the check's status. */
    public static final class Check {
        public static void main(String[] args) {
            System.out.println(Lifeline.check(Path.of(args[0])));
        }
    }

    @Test
    void missingNativeAccessIsExplainedWithTheExactOption() {
        Running.Result r = run(System.getProperty("java.class.path"), List.of(), Check.class.getName(), dir.resolve("b").toString());
        assertThat(r.stdout()).startsWith("ABSENT ");
        assertThat(r.stderr()).contains("lifeline calls the C library").contains("--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void deniedNativeAccessFailsWithTheExactOption() {
        Running.Result r = run(System.getProperty("java.class.path"), List.of("--illegal-native-access=deny"),
                Check.class.getName(), dir.resolve("b").toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("IllegalCallerException").contains("--enable-native-access=ALL-UNNAMED");
        // One clear exception on top, not an error of whichever class happened to link first.
        assertThat(r.stderr()).startsWith("Exception in thread \"main\" java.lang.IllegalCallerException: lifeline calls the C library")
                .doesNotContain("AssertionError").doesNotContain("ExceptionInInitializerError");
    }

    /**
     * On the module path the option names the module, and no manifest attribute is suggested. The
     * application is a class of its own package on the class path (the tests' classes share the
     * module's package, which the module then owns), compiled here.
     */
    @Test
    void deniedNativeAccessOnTheModulePathNamesTheModule() throws Exception {
        List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        String module = entries.stream().filter(e -> Path.of(e).endsWith(Path.of("target", "classes"))).findFirst().orElseThrow();
        Path source = Files.createDirectories(dir.resolve("src/app")).resolve("CheckMain.java");
        Files.writeString(source, """
                package app;
                public class CheckMain {
                    public static void main(String[] args) {
                        System.out.println(dev.lifeline.Lifeline.check(java.nio.file.Path.of(args[0])));
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        Running.Result javac = Running.run(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--module-path", module, "--add-modules", "dev.lifeline", "-d", classes.toString(), source.toString()),
                null, Map.of(), DEADLINE);
        assertThat(javac.exitCode()).as("javac\n%s", javac).isZero();
        Running.Result r = run(classes.toString(), List.of("--illegal-native-access=deny", "--module-path", module,
                "--add-modules", "dev.lifeline"), "app.CheckMain", dir.resolve("b").toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).startsWith("Exception in thread \"main\" java.lang.IllegalCallerException: lifeline calls the C library")
                .contains("--enable-native-access=dev.lifeline").doesNotContain("manifest");
    }

    private static Running.Result run(String classPath, List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Running.javaBinary());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return Running.run(command, null, Map.of(), DEADLINE);
    }
}
