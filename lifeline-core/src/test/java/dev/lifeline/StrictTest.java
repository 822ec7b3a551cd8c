package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StrictModes for beacons: refuse a place others could rearrange; warn probes about one. */
class StrictTest {
    @TempDir
    Path dir;

    @Test
    void aBeaconInADirectoryAnyoneMayWriteIsRefusedAndNothingIsCreated() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path path = open.resolve("b");
        assertThatThrownBy(() -> Beacon.open(path))
                .isInstanceOfSatisfying(BeaconException.class, e -> {
                    assertThat(e.fault()).isEqualTo(Fault.UNSAFE_DIRECTORY);
                    assertThat(e.getMessage()).contains(open.toString()).contains("not sticky");
                });
        try (var files = Files.list(open)) {
            assertThat(files.toList()).isEmpty();
        }
        try (Beacon trusted = Beacon.open(path, BeaconOption.TRUST_DIRECTORY)) {
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void aStickyDirectoryLikeTmpIsFine() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        ProbeTest.run("chmod", "1777", shared.toString());
        try (Beacon beacon = Beacon.open(shared.resolve("b"))) {
            assertThat(Probe.of(shared.resolve("b")).warnings()).isEmpty();
        }
    }

    @Test
    void aWritableDirectoryHigherUpIsRefusedToo() throws Exception {
        Path upper = Files.createDirectory(dir.resolve("upper"));
        Path lower = Files.createDirectory(upper.resolve("lower"));
        Files.setPosixFilePermissions(upper, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> Beacon.open(lower.resolve("b")))
                .isInstanceOfSatisfying(BeaconException.class, e -> {
                    assertThat(e.fault()).isEqualTo(Fault.UNSAFE_DIRECTORY);
                    assertThat(e.getMessage()).contains(upper.toString());
                });
    }

    @Test
    void aMissingDirectoryUnderOneAnyoneMayWriteIsNoExcuse() throws Exception {
        // Whoever may write "open" can make the missing directories below it, and a FIFO in them:
        // the existing directory above the missing ones is checked as if they were there. (Found
        // by PropertiesTest: a missing or dangling parent used to skip every check.)
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createSymbolicLink(open.resolve("dangling"), open.resolve("nowhere"));
        for (Path path : new Path[] {open.resolve("missing/deeper/b"), open.resolve("dangling/b"),
                open.resolve("missing/../b")}) {
            assertThat(Probe.of(path).warnings()).as(path.toString()).singleElement().asString()
                    .contains(open.toString()).contains("writable by others");
            assertThatThrownBy(() -> Beacon.open(path)).as(path.toString())
                    .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.UNSAFE_DIRECTORY));
        }
        try (var files = Files.list(open)) {
            assertThat(files.toList()).containsExactly(open.resolve("dangling"));
        }
        // With TRUST_DIRECTORY the missing directory is what stops the holder, as before.
        assertThatThrownBy(() -> Beacon.open(open.resolve("missing/b"), BeaconOption.TRUST_DIRECTORY))
                .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.NO_SUCH_DIRECTORY));
    }

    @Test
    void aDirectoryOfAnotherUserIsRefusedForAHolder() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Processes.isRoot(),
                "only root can give a directory to another user; CI runs as root");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        ProbeTest.run("chown", "65534:65534", theirs.toString());
        assertThatThrownBy(() -> Beacon.open(theirs.resolve("b")))
                .isInstanceOfSatisfying(BeaconException.class, e -> {
                    assertThat(e.fault()).isEqualTo(Fault.UNSAFE_DIRECTORY);
                    assertThat(e.getMessage()).contains("uid 65534");
                });
        // A checker cannot know whose daemon to expect: no warning for the directory's owner.
        assertThat(Probe.of(theirs.resolve("b")).warnings()).isEmpty();
    }

    @Test
    void aProbeWarnsButStillTellsTheTruth() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path path = open.resolve("b");
        try (Beacon beacon = Beacon.open(path, BeaconOption.TRUST_DIRECTORY)) {
            Probe probe = Probe.of(path);
            assertThat(probe.warnings()).singleElement().asString().contains("writable by others");
            assertThat(probe.check().state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void aProbeWarnsAboutAFifoPlantedByAThirdUser() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Processes.isRoot(),
                "only root can make a FIFO another user owns; CI runs as root");
        Path path = dir.resolve("planted");
        ProbeTest.mkfifo(path);
        ProbeTest.run("chown", "65534:65534", path.toString());
        assertThat(Probe.of(path).warnings()).singleElement().asString().contains("uid 65534");
        assertThat(Probe.of(dir.resolve("nothing")).warnings()).isEmpty();
    }
}
