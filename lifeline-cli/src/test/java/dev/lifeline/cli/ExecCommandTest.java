package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecCommandTest {
    @TempDir
    Path dir;

    @Test
    void keepsItsPidBecomesTheCommandAndHoldsTheBeaconUntilKilled() {
        Path beacon = dir.resolve("b");
        try (Running exec = Cli.holder(Cli.java("exec", beacon.toString(), "--",
                "sh", "-c", "echo $$; exec sleep 1000"))) {
            long pid = exec.process().pid();
            assertThat(exec.line()).as("the shell runs in lifeline's own process").isEqualTo(Long.toString(pid));
            Cli.poll("sleep in process " + pid, () -> comm(pid), "sleep"::equals, Duration.ofSeconds(30));
            assertThat(RunCommandTest.check(beacon)).as("held by the program itself").isEqualTo(0);

            assertThat(exec.kill()).isEqualTo(137);
            assertThat(RunCommandTest.check(beacon)).as("dead once the program is killed").isEqualTo(1);
        }
    }

    @Test
    void theProgramFindsTheBeaconAtLifelineFd() throws Exception {
        Path beacon = dir.resolve("b");
        Running.Result r = Cli.run("exec", beacon.toString(), "--", "sh", "-c", "readlink /proc/$$/fd/$LIFELINE_FD");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
        assertThat(r.stdout()).isEqualTo(dir.toRealPath().resolve("b") + "\n");
    }

    /** The help says what the program finds: the number in LIFELINE_FD, which is not 3. */
    @Test
    void helpSaysWhereTheProgramFindsTheDescriptor() {
        Path beacon = dir.resolve("b");
        Running.Result fd = Cli.run("exec", beacon.toString(), "--", "sh", "-c", "echo $LIFELINE_FD");
        assertThat(fd.exitCode()).as(fd.toString()).isEqualTo(0);
        assertThat(fd.stdout().strip()).as("the descriptor keeps the beacon's own number").isNotEqualTo("3");
        String help = Cli.run("exec", "--help").stdout().replaceAll("\\s+", " ");
        assertThat(help).contains("its number in LIFELINE_FD").doesNotContain("fd 3").doesNotContain("LIFELINE_FD=3");
    }

    @Test
    void aMissingCommandExits127AndLeavesNoBeacon() {
        Path beacon = dir.resolve("b");
        Running.Result r = Cli.run("exec", beacon.toString(), "--", "no-such-command-here");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(127);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("lifeline: unable to exec: no-such-command-here: command not found\n");
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aFileThatCannotBeExecutedExits126AndLeavesNoBeacon() throws Exception {
        Path beacon = dir.resolve("b");
        Path script = Files.writeString(dir.resolve("script"), "#!/bin/sh\necho never\n");
        Running.Result r = Cli.run("exec", beacon.toString(), "--", script.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(126);
        assertThat(r.stdout()).isEmpty();
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void helpListsEveryExitCode() {
        Running.Result r = Cli.run("exec", "--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("Exit codes:")
                .containsPattern("(?m)^\\s+125\\s+lifeline failed")
                .containsPattern("(?m)^\\s+126\\s+CMD was found")
                .containsPattern("(?m)^\\s+127\\s+CMD was not found");
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (NoSuchFileException gone) {
            return "(gone)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
