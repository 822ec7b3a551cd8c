package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The library's module: one exported package, nothing required beyond java.base. */
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
        assertThat(descriptor.requires()).extracting(ModuleDescriptor.Requires::name).containsExactly("java.base");
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
