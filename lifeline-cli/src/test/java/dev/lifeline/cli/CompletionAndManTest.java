package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shell completion and the manual page, generated from the commands, used by real bash and man. */
class CompletionAndManTest {
    @TempDir
    Path dir;

    @Test
    void bashCompletesCommandsAndOptions() throws Exception {
        Running.Result script = Cli.run("completion");
        assertThat(script.exitCode()).as(script.toString()).isZero();
        Path file = Files.writeString(dir.resolve("lifeline.bash"), script.stdout());
        Running.Result commands = Cli.run(List.of("bash", "-c", "source " + file
                + "; COMP_WORDS=(lifeline ch); COMP_CWORD=1; _complete_lifeline; echo ${COMPREPLY[@]}"), null, Map.of());
        assertThat(commands.exitCode()).as(commands.toString()).isZero();
        assertThat(commands.stdout().strip()).isEqualTo("check");
        Running.Result options = Cli.run(List.of("bash", "-c", "source " + file
                + "; COMP_WORDS=(lifeline check --j); COMP_CWORD=2; _complete_lifeline; echo ${COMPREPLY[@]}"), null, Map.of());
        assertThat(options.stdout().strip()).isEqualTo("--json");
    }

    @Test
    void theManualPageRendersWithEveryCommandAndItsExitCodes() throws Exception {
        Running.Result page = Cli.run("man");
        assertThat(page.exitCode()).as(page.toString()).isZero();
        assertThat(page.stdout()).startsWith(".TH LIFELINE 1");
        Path file = Files.writeString(dir.resolve("lifeline.1"), page.stdout());
        // groff in warning mode: a malformed page is an error here, not a shrug.
        Running.Result rendered = Cli.run(List.of("groff", "-man", "-Tutf8", "-ww", "-z", file.toString()), null, Map.of());
        assertThat(rendered.exitCode()).as(rendered.toString()).isZero();
        assertThat(rendered.stderr()).as("groff warnings").isEmpty();
        Running.Result text = Cli.run(List.of("man", "-l", "-P", "cat", file.toString()), null, Map.of("MANWIDTH", "100"));
        assertThat(text.exitCode()).as(text.toString()).isZero();
        for (String command : List.of("check", "hold", "wait", "watch", "status", "run", "exec", "serve", "demo")) {
            assertThat(text.stdout()).contains(command);
        }
        assertThat(text.stdout()).contains("150").contains("--sd-notify").contains("Exit status");
    }
}
