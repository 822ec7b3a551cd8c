package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Lifeline#findProgram}: a shell's search, with its two answers (127 and 126). */
class FindProgramTest {
    @TempDir
    Path dir;

    @Test
    void findsAsAShellDoesAndSaysWhyNot() throws Exception {
        Path tool = Files.createFile(dir.resolve("tool"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path plain = Files.createFile(dir.resolve("plain"));
        Map<String, String> env = Map.of("PATH", "/nonexistent:" + dir);
        assertThat(Commands.find("tool", env)).isEqualTo(tool);
        assertThat(Commands.find(tool.toString(), env)).isEqualTo(tool);
        assertThat(Lifeline.findProgram("sh")).isExecutable();
        assertThatThrownBy(() -> Commands.find("plain", env)).isInstanceOf(AccessDeniedException.class)
                .hasMessage("plain: found " + plain + ", but it is not executable");
        assertThatThrownBy(() -> Commands.find(dir.toString(), env)).isInstanceOf(AccessDeniedException.class)
                .hasMessage(dir + ": is a directory");
        assertThatThrownBy(() -> Commands.find(plain.toString(), env)).isInstanceOf(AccessDeniedException.class)
                .hasMessage(plain + ": is not an executable file");
        assertThatThrownBy(() -> Commands.find("no-such-tool", env)).isInstanceOf(NoSuchFileException.class)
                .hasMessage("no-such-tool: command not found");
        assertThatThrownBy(() -> Commands.find(dir.resolve("gone").toString(), env)).isInstanceOf(NoSuchFileException.class)
                .hasMessage(dir.resolve("gone") + ": no such file");
        assertThatThrownBy(() -> Commands.find("", env)).isInstanceOf(NoSuchFileException.class);
    }
}
