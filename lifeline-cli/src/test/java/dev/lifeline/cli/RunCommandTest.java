package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /**
     * As a container's entrypoint, run is PID 1 and the kernel hands it every orphan: it must reap
     * them, as an init does, and still answer with CMD's own exit status. CMD here leaves five
     * orphans that end at once, then waits (bounded) until no zombie is left in its PID namespace,
     * and says how many are. Without a reaper all five stay zombies. Needs root for the namespace.
     */
    @Test
    void asPid1ItReapsOrphansAndKeepsTheCommandsStatus() {
        assertThat(Files.isExecutable(Path.of("/usr/bin/unshare"))).as("unshare (util-linux) is needed").isTrue();
        assertThat(ProcessHandle.current().info().user().orElse("")).as("a PID namespace needs root").isEqualTo("root");
        String script = "for i in 1 2 3 4 5; do (true &); done; "
                + "zombies() { grep -l '^State:[[:space:]]*Z' /proc/[0-9]*/status 2>/dev/null | wc -l; }; "
                + "n=0; while [ \"$(zombies)\" -gt 0 ] && [ $n -lt 200 ]; do n=$((n + 1)); sleep 0.05; done; "
                + "echo \"zombies: $(zombies)\"; echo \"pid of run: $PPID\"; exit 7";
        List<String> command = new java.util.ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
        command.addAll(Cli.java("run", dir.resolve("b").toString(), "--", "sh", "-c", script));
        Running.Result r = Cli.run(command, dir, java.util.Map.of());
        assertThat(r.stdout()).as(r.toString()).contains("pid of run: 1\n").contains("zombies: 0\n");
        assertThat(r.exitCode()).as("CMD's own status").isEqualTo(7);
    }

    @Test
    void heartbeatFromAProgressFileTurnsHungWhenProgressStops() throws Exception {
        java.nio.file.Path beacon = dir.resolve("b");
        java.nio.file.Path progress = dir.resolve("progress");
        java.nio.file.Path stopped = dir.resolve("stopped");
        String script = "i=0; while [ $i -lt 10 ]; do touch \"$1\"; sleep 0.1; i=$((i + 1)); done; "
                + "echo > \"$2\"; exec sleep 1000";
        Process run = Cli.start(Cli.java("run", "--heartbeat-from", progress.toString(), "--heartbeat", "600ms",
                beacon.toString(), "--", "sh", "-c", script, "sh", progress.toString(), stopped.toString()), null,
                java.util.Map.of());
        try {
            dev.lifeline.Probe probe = dev.lifeline.Probe.of(beacon);
            dev.lifeline.Status beating = Cli.poll("a beat passed on", probe::check,
                    s -> s.state() == dev.lifeline.Status.State.ALIVE && s.deadline().isPresent(),
                    java.time.Duration.ofSeconds(60));
            org.assertj.core.api.Assertions.assertThat(java.time.Duration.between(beating.lastBeat().orElseThrow(),
                    beating.deadline().orElseThrow())).isEqualTo(java.time.Duration.ofMillis(600));
            Cli.poll("progress stopped", () -> java.nio.file.Files.exists(stopped), b -> b, java.time.Duration.ofSeconds(60));
            Cli.poll("HUNG once the promise runs out", probe::check, s -> s.state() == dev.lifeline.Status.State.HUNG,
                    java.time.Duration.ofSeconds(60));
        } finally {
            run.destroy();
            run.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void heartbeatFromWithoutAPromiseIsAUsageError() {
        Running.Result r = Cli.run("run", "--heartbeat-from", dir.resolve("p").toString(), dir.resolve("b").toString(),
                "--", "true");
        org.assertj.core.api.Assertions.assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
        org.assertj.core.api.Assertions.assertThat(r.stderr()).contains("go together");
    }

    @Test
    void aliveWhileTheChildLivesAndDeadTheMomentItIsKilled() {
        Path beacon = dir.resolve("b");
        // exec: the process that prints its pid is the one that holds the beacon.
        try (Running run = run(beacon, "sh", "-c", "echo $$; exec sleep 1000")) {
            long child = Long.parseLong(run.line());
            assertThat(child).as("a child, not lifeline itself").isNotEqualTo(run.process().pid());
            assertThat(check(beacon)).isEqualTo(0);

            Cli.signal("KILL", child);
            assertThat(Cli.waitFor(run.process())).as("128 + SIGKILL").isEqualTo(137);
            // run has reaped the child before it exits: the kernel has let go of the FIFO by then.
            Running.Result r = Cli.run("check", beacon.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(run.stderr()).isEmpty();
        }
    }

    @Test
    void theBeaconOutlivesASigkilledRunWhileTheChildLives() {
        Path beacon = dir.resolve("b");
        long child;
        try (Running run = run(beacon, "sh", "-c", "echo $$; exec sleep 1000")) {
            child = Long.parseLong(run.line());
            assertThat(run.kill()).isEqualTo(137);
        }
        try {
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).as("the child lives on").contains(true);
            assertThat(check(beacon)).as("held by the child alone").isEqualTo(0);
        } finally {
            Cli.signal("KILL", child);
        }
        // Not our child: nothing to wait for but the kernel's answer.
        Cli.poll("dead after the child's SIGKILL", () -> check(beacon), code -> code != 0, PROMPTLY);
        assertThat(check(beacon)).isEqualTo(1);
    }

    @Test
    void exitCodesPropagateAndACleanExitRemovesTheBeacon() {
        Path beacon = dir.resolve("b");
        Running.Result r = Cli.run("run", beacon.toString(), "--", "sh", "-c", "exit 3");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEmpty();
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).as("removed after a clean exit").isFalse();

        Running.Result zero = Cli.run("run", beacon.toString(), "--", "true");
        assertThat(zero.exitCode()).as(zero.toString()).isEqualTo(0);
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aChildKilledByASignalGives128PlusItsNumberAndLeavesTheBeaconDead() {
        Path beacon = dir.resolve("b");
        Running.Result r = Cli.run("run", beacon.toString(), "--", "sh", "-c", "kill -TERM $$");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(143);
        assertThat(check(beacon)).as("a killed daemon leaves its FIFO, dead").isEqualTo(1);
    }

    @Test
    void theChildFindsTheBeaconAtLifelineFd() throws Exception {
        Path beacon = dir.resolve("b");
        Running.Result r = Cli.run("run", beacon.toString(), "--", "sh", "-c", "echo $LIFELINE_FD; readlink /proc/$$/fd/$LIFELINE_FD");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
        assertThat(r.stdout()).isEqualTo("3\n" + dir.toRealPath().resolve("b") + "\n");
    }

    @Test
    void sigtermAndSighupAreForwardedToTheChild() {
        for (String signal : List.of("TERM", "HUP")) {
            Path beacon = dir.resolve("b-" + signal);
            // The sleep gets no beacon (3<&-) and is ended by the trap: only the shell holds it.
            String script = "trap 'kill $!; exit 7' " + signal + "; echo ready; sleep 1000 3<&- & wait";
            try (Running run = run(beacon, "sh", "-c", script)) {
                assertThat(run.line()).isEqualTo("ready");
                Cli.signal(signal, run.process().pid());
                assertThat(Cli.waitFor(run.process())).as("the child's trap for SIG" + signal).isEqualTo(7);
                assertThat(run.stderr()).isEmpty();
            }
            assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).as("removed: the child exited by itself").isFalse();
        }
    }

    @Test
    void aMissingCommandExits127AndLeavesNoBeacon() {
        Path beacon = dir.resolve("b");
        Running.Result r = Cli.run("run", beacon.toString(), "--", "no-such-command-here", "x");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(127);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("lifeline: unable to run: no-such-command-here: command not found\n");
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).isFalse();

        Running.Result path = Cli.run("run", beacon.toString(), "--", dir.resolve("nothing").toString());
        assertThat(path.exitCode()).as(path.toString()).isEqualTo(127);
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aFileThatCannotBeExecutedExits126AndLeavesNoBeacon() throws Exception {
        Path beacon = dir.resolve("b");
        Path script = Files.writeString(dir.resolve("script"), "#!/bin/sh\necho never\n");
        Running.Result r = Cli.run("run", beacon.toString(), "--", script.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(126);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("lifeline: unable to run: " + script + ": is not an executable file\n");
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).isFalse();

        Running.Result directory = Cli.run("run", beacon.toString(), "--", dir.toString());
        assertThat(directory.exitCode()).as(directory.toString()).isEqualTo(126);
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void exclusiveIsRefusedWith125WhileAnotherHoldsItAndTheCommandNeverRuns() {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            Running.Result r = Cli.run("run", "--exclusive", beacon.toString(), "--", "echo", "started");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(125);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).startsWith("lifeline: unable to run: cannot hold " + beacon + ": ");
            assertThat(check(beacon)).as("the holder's beacon is untouched").isEqualTo(0);
        }
    }

    @Test
    void usageErrorsExit125SoThatNoChildStatusIsMistakenForThem() {
        for (String[] args : new String[][] {
                {"run"},
                {"run", dir.resolve("b").toString()},
                {"run", "--frobnicate", dir.resolve("b").toString(), "--", "true"},
        }) {
            Running.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(125);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).contains("Try 'lifeline run --help'");
        }
    }

    @Test
    void helpListsEveryExitCode() {
        Running.Result r = Cli.run("run", "--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("Exit codes:")
                .containsPattern("(?m)^\\s+N\\s+CMD's exit status")
                .containsPattern("(?m)^\\s+125\\s+lifeline failed")
                .containsPattern("(?m)^\\s+126\\s+CMD was found")
                .containsPattern("(?m)^\\s+127\\s+CMD was not found");
    }

    private static Running run(Path beacon, String... command) {
        List<String> args = new java.util.ArrayList<>(List.of("run", beacon.toString(), "--"));
        args.addAll(List.of(command));
        return Cli.holder(Cli.java(args.toArray(String[]::new)));
    }

    static int check(Path beacon) {
        return Cli.run("check", "-q", beacon.toString()).exitCode();
    }
}
