package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativePathTest {
    @TempDir
    Path dir;

    @Test
    void nulCharacterIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> NativePath.of(Path.of("x"), "/tmp/a\0b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
    }

    @Test
    void emptyPathIsRefused() {
        assertThatThrownBy(() -> NativePath.of(Path.of("x"), "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pathOfAnotherFileSystemIsRefused() throws Exception {
        Path zip = dir.resolve("a.zip");
        try (var fs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
            Path inside = fs.getPath("/beacon");
            Files.writeString(inside, "x");
            assertThatThrownBy(() -> NativePath.of(inside)).isInstanceOf(ProviderMismatchException.class);
        }
    }
}
