package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who holds a beacon: the POSIX read lock every lifeline holder takes, asked with F_GETLK. */
class HolderPidTest {
    @TempDir
    Path dir;

    @Test
    void theHoldingProcessIsNamed() throws Exception {
        Path path = dir.resolve("daemon");
        try (Running daemon = Processes.start("hold", path.toString())) {
            assertThat(daemon.nextLine()).isEqualTo("held");
            assertThat(Probe.of(path).holderPid()).isEqualTo(OptionalLong.of(daemon.process().pid()));
        }
    }

    @Test
    void probingOurOwnBeaconDoesNotLoseTheLock() throws Exception {
        Path path = dir.resolve("ours");
        try (Beacon beacon = Beacon.open(path)) {
            Probe probe = Probe.of(path);
            for (int i = 0; i < 100; i++) {
                probe.check(); // each closes a descriptor of the FIFO in this process
            }
            probe.awaitDeath(java.time.Duration.ofMillis(1));
            assertThat(probe.holderPid()).isEqualTo(OptionalLong.of(ProcessHandle.current().pid()));
            try (Running other = Processes.start("pid", path.toString())) {
                assertThat(other.nextLine()).isEqualTo("pid " + OptionalLong.of(ProcessHandle.current().pid()));
            }
        }
    }

    @Test
    void nobodyOrAnInheritingProgramIsUnknown() throws Exception {
        Path stale = dir.resolve("stale");
        ProbeTest.mkfifo(stale);
        assertThat(Probe.of(stale).holderPid()).isEmpty();
        assertThat(Probe.of(dir.resolve("absent")).holderPid()).isEmpty();

        Path path = dir.resolve("spawned");
        Handover child = Beacon.open(path).spawn(List.of("sleep", "1000"));
        try {
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
            assertThat(Probe.of(path).holderPid()).as("POSIX locks are not inherited").isEmpty();
        } finally {
            child.signal(9);
            child.waitFor();
        }
    }
}
