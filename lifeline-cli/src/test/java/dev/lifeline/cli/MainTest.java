package dev.lifeline.cli;

import dev.lifeline.testkit.Running;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void helpGoesToStdoutAndListsEveryCommand() {
        Running.Result r = Cli.run("--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("Usage: lifeline").contains("check", "hold", "wait", "demo", "help");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void helpCommandShowsASubcommandsExitCodes() {
        Running.Result r = Cli.run("help", "check");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("Usage: lifeline check").contains("Exit codes:");
    }

    @Test
    void versionGoesToStdout() {
        Running.Result r = Cli.run("--version");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("lifeline ").contains("Java " + Runtime.version().feature());
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void noCommandIsAUsageError() {
        Running.Result r = Cli.run();
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("Missing a command").contains("Try 'lifeline --help'");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Running.Result r = Cli.run("frobnicate");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("frobnicate").contains("Try 'lifeline --help'");
    }

    @Test
    void aUsageErrorIsOneLineAndWhereToReadMore() {
        Running.Result r = Cli.run("check", "--frobnicate", "/x");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("lifeline: Unknown option: '--frobnicate'\n"
                + "Try 'lifeline check --help' for more information.\n");
    }

    @Test
    void launcherCodesMoveEveryAnswerOutOfTheJvmsOwnRange() {
        assertThat(Main.forLauncher(0)).isEqualTo(200);
        assertThat(Main.forLauncher(1)).isEqualTo(201);
        assertThat(Main.forLauncher(2)).isEqualTo(202);
        assertThat(Main.forLauncher(3)).isEqualTo(203);
        assertThat(Main.forLauncher(4)).isEqualTo(204);
        assertThat(Main.forLauncher(150)).isEqualTo(250);
    }

    /** An Error that escapes every command (here: picocli missing from a broken install) is 4, never the JVM's 1. */
    @Test
    void anErrorThatEscapesIsUnknown() {
        String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.contains("picocli"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        Running.Result r = Cli.run(java.util.List.of(Cli.javaBinary(), "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                Main.class.getName(), "watch", "/x"), null, java.util.Map.of());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
        assertThat(r.stderr()).startsWith("lifeline: unexpected error: java.lang.NoClassDefFoundError: picocli/CommandLine");
    }
}
