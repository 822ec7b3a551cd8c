package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void helpGoesToStdoutAndListsEveryCommand() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("Usage: lifeline").contains("check", "hold", "wait", "demo", "help");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void helpCommandShowsASubcommandsExitCodes() {
        Cli.Result r = Cli.run("help", "check");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("Usage: lifeline check").contains("Exit codes:");
    }

    @Test
    void versionGoesToStdout() {
        Cli.Result r = Cli.run("--version");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("lifeline ").contains("Java " + Runtime.version().feature());
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Result r = Cli.run();
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("Missing a command").contains("Usage: lifeline");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Cli.Result r = Cli.run("frobnicate");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("frobnicate").contains("Usage: lifeline");
    }
}
