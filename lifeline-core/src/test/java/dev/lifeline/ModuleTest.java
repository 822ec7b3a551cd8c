package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The library's module: one exported package, nothing required at run time beyond java.base (JNA only statically). */
class ModuleTest {
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
}
