package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.File;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's module: one exported package, nothing required beyond java.base but JNA, which is
 * optional ({@code requires static}); it works on the module path on the JDK under test (this
 * suite runs on 25 and on 17).
 */
class ModuleTest {
    @TempDir
    Path dir;

    @Test
    void exportsOnlyThePublicApi() throws Exception {
        Path info = Path.of("target/classes/module-info.class");
        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(info)) {
            descriptor = ModuleDescriptor.read(in);
        }
        assertThat(descriptor.name()).isEqualTo("dev.lifeline");
        assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.lifeline");
        assertThat(descriptor.exports()).allMatch(e -> !e.isQualified());
        assertThat(descriptor.requires()).extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("java.base", "com.sun.jna");
        // JNA only at compile time: the module resolves without it (on 22 and newer nothing needs it).
        assertThat(descriptor.requires()).filteredOn(r -> r.name().equals("com.sun.jna"))
                .allMatch(r -> r.modifiers().equals(java.util.Set.of(ModuleDescriptor.Requires.Modifier.STATIC)));
    }

    @Test
    void onlyTheInternalPackageTouchesForeignMemory() throws Exception {
        Path api = Path.of("src/main/java/dev/lifeline");
        try (var files = Files.list(api)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("import java.lang.foreign").doesNotContain("MemorySegment");
            }
        }
    }

    /**
     * An application on the class path using the module dev.lifeline from the module path: holds a
     * beacon, checks it, lets it go. On Java 17 to 21 JNA is on the module path too, and, being
     * required only statically, is resolved because the command line adds it
     * ({@code --add-modules com.sun.jna}), as the README tells JPMS users on 17 to do (or to
     * require it in their own module-info). The application is a class of its own package (the
     * tests' classes share the module's package, which the module then owns), compiled here.
     */
    @Test
    void worksOnTheModulePath() throws Exception {
        List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        String module = entries.stream().filter(e -> Path.of(e).endsWith(Path.of("target", "classes"))).findFirst().orElseThrow();
        String jna = entries.stream().filter(e -> Path.of(e).getFileName().toString().matches("jna-[0-9.]+\\.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("JNA on the tests' class path"));
        Path source = Files.createDirectories(dir.resolve("src/app")).resolve("HoldMain.java");
        Files.writeString(source, """
                package app;
                import dev.lifeline.Beacon;
                import dev.lifeline.Probe;
                import java.nio.file.Path;
                public class HoldMain {
                    public static void main(String[] args) throws Exception {
                        Path path = Path.of(args[0]);
                        try (Beacon beacon = Beacon.open(path)) {
                            System.out.println(Probe.of(path).check().state());
                        }
                        System.out.println(Probe.of(path).check().state());
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Running.Result javac = Running.run(List.of(bin.resolve("javac").toString(), "--module-path", module,
                "--add-modules", "dev.lifeline", "-d", classes.toString(), source.toString()), null, Map.of(), Processes.DEADLINE);
        assertThat(javac.exitCode()).as("javac\n%s", javac).isZero();
        List<String> command = new ArrayList<>(List.of(bin.resolve("java").toString()));
        if (Runtime.version().feature() >= 22) {
            command.addAll(List.of("--enable-native-access=dev.lifeline", "--module-path", module, "--add-modules", "dev.lifeline"));
        } else {
            command.addAll(List.of("--module-path", module + File.pathSeparator + jna, "--add-modules", "dev.lifeline,com.sun.jna"));
        }
        command.addAll(List.of("-cp", classes.toString(), "app.HoldMain", dir.resolve("b").toString()));
        Running.Result r = Running.run(command, null, Map.of(), Processes.DEADLINE);
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).as("%s", r).isEqualTo("ALIVE\nABSENT\n");
        assertThat(r.stderr()).as("no warning").isEmpty();
    }
}
