package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A beacon held by another JVM, seen from this one: the claims of the original post. */
class CrossProcessTest {
    @TempDir
    Path dir;

    @Test
    void aliveWhileAnotherProcessHoldsIt() throws Exception {
        Path path = dir.resolve("daemon");
        try (Running daemon = Processes.start("hold", path.toString())) {
            assertThat(daemon.nextLine()).isEqualTo("held");
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void deadAfterKillWithoutCleanup() throws Exception {
        Path path = dir.resolve("daemon");
        Probe probe = Probe.of(path);
        try (Running daemon = Processes.start("hold", path.toString(), "exclusive")) {
            assertThat(daemon.nextLine()).isEqualTo("held");
            assertThat(probe.check().state()).isEqualTo(Status.State.ALIVE);
            daemon.kill9();
            // No poll, no grace period: once the kernel has reaped it, the answer is DEAD.
            assertThat(probe.check().state()).isEqualTo(Status.State.DEAD);
            assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).as("nobody cleaned up").isTrue();
        }
    }

    @Test
    void restartAfterKillReusesTheStaleFifo() throws Exception {
        Path path = dir.resolve("daemon");
        Object inode;
        try (Running first = Processes.start("hold", path.toString(), "exclusive")) {
            assertThat(first.nextLine()).isEqualTo("held");
            inode = Files.getAttribute(path, "unix:ino");
            first.kill9();
        }
        try (Running second = Processes.start("hold", path.toString(), "exclusive")) {
            assertThat(second.nextLine()).as("the crash left no lock behind").isEqualTo("held");
            assertThat(Files.getAttribute(path, "unix:ino")).isEqualTo(inode);
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void gracefulCloseRemovesTheBeacon() throws Exception {
        Path path = dir.resolve("daemon");
        try (Running daemon = Processes.start("hold", path.toString())) {
            assertThat(daemon.nextLine()).isEqualTo("held");
            assertThat(daemon.finish()).isZero();
            assertThat(daemon.nextLine()).isEqualTo("closed");
        }
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ABSENT);
    }

    @Test
    void exclusiveRefusesASecondHolderAcrossProcesses() throws Exception {
        Path path = dir.resolve("daemon");
        try (Running first = Processes.start("hold", path.toString(), "exclusive")) {
            assertThat(first.nextLine()).isEqualTo("held");
            try (Running second = Processes.start("hold", path.toString(), "exclusive")) {
                assertThat(second.nextLine()).isEqualTo("refused HELD");
                assertThat(second.process().waitFor()).isEqualTo(3);
            }
            assertThatThrownBy(() -> Beacon.open(path, BeaconOption.EXCLUSIVE))
                    .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.HELD));
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        }
    }
}
