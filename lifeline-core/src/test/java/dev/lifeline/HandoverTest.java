package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Giving a beacon to a program lifeline did not write: spawn (a child holds it) and exec. */
class HandoverTest {
    @TempDir
    Path dir;

    @Test
    void aSpawnedProgramHoldsTheBeaconAsDescriptor3AndNothingElse() throws Exception {
        Path path = dir.resolve("b");
        Path out = dir.resolve("out");
        Path gate = dir.resolve("gate");
        ProbeTest.mkfifo(gate);
        Beacon beacon = Beacon.open(path);
        // The program records what it sees, then waits on a FIFO of the test's until told to go.
        Handover child = beacon.spawn(List.of("sh", "-c",
                "echo \"$LIFELINE_FD\" > " + out + ".env; ls -1 /proc/self/fd > " + out + "; read x < " + gate));
        assertThat(beacon.isOpen()).as("this process let go").isFalse();
        Processes.await("the program wrote its descriptors", () -> Files.exists(dir.resolve("out")) && size(out) > 0, b -> b);
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        assertThat(Files.readString(Path.of(out + ".env")).trim()).isEqualTo("3");
        // ls sees 0, 1 (its output file), 2, 3 (the beacon) and 4 (the directory it lists).
        List<Integer> fds = Files.readAllLines(out).stream().map(Integer::parseInt).sorted().toList();
        assertThat(fds).containsExactly(0, 1, 2, 3, 4);
        Files.writeString(gate, "go\n"); // the blocking open is the program's read end: it goes
        assertThat(child.waitFor()).isZero();
        assertThat(child.beaconRemoved()).isTrue();
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ABSENT);
    }

    /**
     * A beacon that joins a spawned program's beacon is a holder like any other, not a guest: the
     * program inherited the open file's lock with the descriptor. So when the program ends first,
     * the joiner, closing last, removes the FIFO.
     */
    @Test
    void aBeaconJoiningASpawnedProgramRemovesTheFifoWhenItClosesLast() throws Exception {
        Path path = dir.resolve("b");
        Path go = dir.resolve("go");
        ProbeTest.mkfifo(go);
        Handover child = Beacon.open(path).spawn(List.of("sh", "-c", "read line < " + go));
        Beacon joiner = Beacon.open(path);
        Files.writeString(go, "go\n"); // opening for writing waits for the child's read end
        assertThat(child.waitFor()).isZero();
        assertThat(child.beaconRemoved()).as("the joiner still holds it").isFalse();
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        joiner.close();
        assertThat(Probe.of(path).check().state()).as("removed by its last holder").isEqualTo(Status.State.ABSENT);
    }

    @Test
    void aKilledProgramLeavesADeadBeacon() throws Exception {
        Path path = dir.resolve("b");
        Handover child = Beacon.open(path).spawn(List.of("sleep", "1000"));
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        child.signal(9);
        assertThat(child.waitFor()).isEqualTo(128 + 9);
        assertThat(child.beaconRemoved()).isFalse();
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.DEAD);
    }

    @Test
    void aDaemonisedGrandchildKeepsTheBeaconAfterItsParentExits() throws Exception {
        Path path = dir.resolve("b");
        Path pid = dir.resolve("pid");
        Handover child = Beacon.open(path).spawn(List.of("sh", "-c", "sleep 1000 & echo $! > " + pid));
        assertThat(child.waitFor()).isZero();
        assertThat(child.beaconRemoved()).as("still held by the grandchild").isFalse();
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        long grandchild = Long.parseLong(Files.readString(pid).trim());
        ProbeTest.run("kill", "-KILL", String.valueOf(grandchild));
        Processes.await("DEAD once the grandchild is gone", () -> Probe.of(path).check().state(),
                s -> s == Status.State.DEAD);
    }

    @Test
    void theBeaconOutlivesTheSpawnerKilledWithSigkill() throws Exception {
        Path path = dir.resolve("b");
        long program;
        try (Running spawner = Processes.start("spawn", path.toString(), "sleep", "1000")) {
            String line = spawner.nextLine();
            assertThat(line).startsWith("spawned ");
            program = Long.parseLong(line.substring("spawned ".length()));
            spawner.kill9();
        }
        try {
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        } finally {
            ProbeTest.run("kill", "-KILL", String.valueOf(program));
        }
        Processes.await("DEAD once the program is gone", () -> Probe.of(path).check().state(),
                s -> s == Status.State.DEAD);
    }

    @Test
    void aMissingProgramIsRefusedAndTheBeaconStaysWithUs() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            assertThatThrownBy(() -> beacon.spawn(List.of("no-such-program-lifeline")))
                    .isInstanceOf(NoSuchFileException.class).hasMessageContaining("not found");
            assertThatThrownBy(() -> beacon.spawn(List.of(dir.toString())))
                    .isInstanceOf(NoSuchFileException.class);
            assertThat(beacon.isOpen()).isTrue();
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void execBecomesTheProgramWhichHoldsTheBeaconForItsLife() throws Exception {
        Path path = dir.resolve("b");
        Path out = dir.resolve("out");
        try (Running jvm = Processes.start("exec", path.toString(), "sh", "-c",
                "echo \"$$ $LIFELINE_FD\" > " + out + ".tmp && mv " + out + ".tmp " + out + " && exec sleep 1000")) {
            Processes.await("the program ran", () -> Files.exists(out), b -> b);
            String[] seen = Files.readString(out).trim().split(" ");
            assertThat(Long.parseLong(seen[0])).as("same process, now the program").isEqualTo(jvm.process().pid());
            assertThat(Integer.parseInt(seen[1])).isGreaterThan(2);
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
            Processes.await("the JVM is gone: sleep is the process", () -> jvm.process().info().command().orElse(""),
                    c -> c.endsWith("sleep"));
            jvm.kill9();
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.DEAD);
        }
    }

    @Test
    void execOfAMissingProgramLeavesNoBeacon() throws Exception {
        Path path = dir.resolve("b");
        try (Running jvm = Processes.start("exec", path.toString(), "no-such-program-lifeline")) {
            assertThat(jvm.nextLine()).isEqualTo("refused NoSuchFileException");
            assertThat(jvm.process().waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

}
