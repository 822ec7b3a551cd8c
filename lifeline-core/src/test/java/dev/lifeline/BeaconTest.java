package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.testkit.Pool;
import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The holder side in one process: creation, refusals, locks and removal. */
class BeaconTest {
    @TempDir
    Path dir;

    @Test
    void createsAFifoWithMode0600WhateverTheUmask() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            assertThat(Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()).isTrue();
            assertThat(Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0010600);
            assertThat(beacon.path()).isEqualTo(path);
            assertThat(beacon.isOpen()).isTrue();
        }
    }

    @Test
    void aPathThatCannotNameAFileIsRefusedAsDocumented() throws Exception {
        // Refused before the strict checks, which for an empty path would look at the working
        // directory's parent and could answer UNSAFE_DIRECTORY for what is no path at all.
        assertThatThrownBy(() -> Beacon.open(Path.of(""))).isInstanceOf(IllegalArgumentException.class);
        Path zip = dir.resolve("other.zip");
        try (var other = java.nio.file.FileSystems.newFileSystem(java.net.URI.create("jar:" + zip.toUri()),
                java.util.Map.of("create", "true"))) {
            assertThatThrownBy(() -> Beacon.open(other.getPath("/b")))
                    .isInstanceOf(java.nio.file.ProviderMismatchException.class);
        }
    }

    @Test
    void aMissingDirectoryIsNamedWithWhatToDo() {
        Path path = dir.resolve("missing").resolve("sub").resolve("b");
        assertThatThrownBy(() -> Beacon.open(path))
                .isInstanceOfSatisfying(BeaconException.class, e -> {
                    assertThat(e.fault()).isEqualTo(Fault.NO_SUCH_DIRECTORY);
                    assertThat(e.errno()).contains("ENOENT");
                    assertThat(e.getReason()).contains("the directory " + dir.resolve("missing") + " does not exist")
                            .contains("create it first");
                });
        assertThat(java.nio.file.Files.exists(dir.resolve("missing"))).as("nothing created").isFalse();
    }

    @Test
    void givesTheModeAskedForEvenWhereTheUmaskWouldMaskIt() throws Exception {
        Path path = dir.resolve("b");
        // The umask here is 022 or stricter: group write would be masked by mkfifo alone.
        try (Beacon beacon = Beacon.open(path, PosixFilePermissions.fromString("rw-rw----"))) {
            assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
        }
    }

    @Test
    void refusesPermissionsWithoutTheOwnersReadAndWriteAndCreatesNothing() throws Exception {
        Path path = dir.resolve("b");
        for (String permissions : new String[] {"r--------", "-w--w----", "---rw-rw-"}) {
            assertThatThrownBy(() -> Beacon.open(path, PosixFilePermissions.fromString(permissions)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("OWNER_READ and OWNER_WRITE")
                    .hasMessageContaining(permissions);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aNewBeaconAppearsAlreadyHeldAndLeavesNothingElseBehind() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            try (var files = Files.list(dir)) {
                assertThat(files.toList()).containsExactly(path);
            }
        }
        // Many racing first holders: one FIFO, no stray temporary, every one of them holding it.
        List<Beacon> beacons = new ArrayList<>();
        try (Pool pool = Pool.fixed(8)) {
            List<Future<Beacon>> all = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 8; i++) {
                all.add(pool.submit(() -> {
                    go.await();
                    return Beacon.open(path);
                }));
            }
            go.countDown();
            for (Future<Beacon> f : all) {
                beacons.add(f.get());
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(path);
        }
        for (Beacon b : beacons) {
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
            b.close();
        }
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void closeRemovesTheFifoAndIsIdempotent() throws Exception {
        Path path = dir.resolve("b");
        Beacon beacon = Beacon.open(path);
        beacon.close();
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(beacon.isOpen()).isFalse();
        Files.writeString(path, "someone else's now");
        beacon.close();
        assertThat(Files.readString(path)).isEqualTo("someone else's now");
    }

    @Test
    void keepOnCloseLeavesAStaleFifo() throws Exception {
        Path path = dir.resolve("b");
        Beacon.open(path, BeaconOption.KEEP_ON_CLOSE).close();
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.DEAD);
    }

    @Test
    void reusesAStaleFifo() throws Exception {
        Path path = dir.resolve("b");
        ProbeTest.mkfifo(path);
        Object inode = Files.getAttribute(path, "unix:ino");
        try (Beacon beacon = Beacon.open(path)) {
            assertThat(Files.getAttribute(path, "unix:ino")).isEqualTo(inode);
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void closeNeverRemovesAFileThatReplacedTheFifo() throws Exception {
        Path path = dir.resolve("b");
        Beacon beacon = Beacon.open(path);
        Files.delete(path);
        Files.writeString(path, "replacement");
        beacon.close();
        assertThat(Files.readString(path)).isEqualTo("replacement");
    }

    @Test
    void closeFromManyThreadsAtOnceClosesOnce() throws Exception {
        Path path = dir.resolve("b");
        Beacon beacon = Beacon.open(path);
        int before = Processes.openDescriptors();
        CountDownLatch go = new CountDownLatch(1);
        try (Pool pool = Pool.fixed(8)) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(pool.submit(() -> {
                    go.await();
                    beacon.close();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : all) {
                f.get();
            }
        }
        assertThat(Processes.openDescriptors()).isEqualTo(before - 1);
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void refusesARegularFileAndLeavesItUntouched() throws Exception {
        Path file = dir.resolve("file");
        Files.writeString(file, "precious");
        FileTime mtime = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file, mtime);
        assertThatThrownBy(() -> Beacon.open(file))
                .isInstanceOfSatisfying(BeaconException.class, e -> {
                    assertThat(e.fault()).isEqualTo(Fault.NOT_A_FIFO);
                    assertThat(e.getFile()).isEqualTo(file.toString());
                    assertThat(e.getMessage()).contains("regular file");
                });
        assertThat(Files.readString(file)).isEqualTo("precious");
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);
    }

    @Test
    void refusesADirectory() {
        assertThatThrownBy(() -> Beacon.open(dir))
                .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.NOT_A_FIFO));
        assertThat(Files.isDirectory(dir)).isTrue();
    }

    @Test
    void refusesADevice() {
        assertThatThrownBy(() -> Beacon.open(Path.of("/dev/null")))
                .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.NOT_A_FIFO));
    }

    @Test
    void refusesASymlinkEvenToItsOwnFifo() throws Exception {
        Path fifo = dir.resolve("real");
        Path link = dir.resolve("link");
        ProbeTest.mkfifo(fifo);
        Files.createSymbolicLink(link, fifo);
        assertThatThrownBy(() -> Beacon.open(link))
                .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.SYMLINK));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Probe.of(fifo).check().state()).isEqualTo(Status.State.DEAD);

        Path dangling = dir.resolve("dangling");
        Files.createSymbolicLink(dangling, dir.resolve("nowhere"));
        assertThatThrownBy(() -> Beacon.open(dangling))
                .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.SYMLINK));
        assertThat(Files.exists(dir.resolve("nowhere"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void refusesAFifoOwnedByAnotherUser() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Processes.isRoot(),
                "only root can make a FIFO another user owns; CI runs as root");
        Path path = dir.resolve("theirs");
        ProbeTest.mkfifo(path);
        ProbeTest.run("chown", "65534:65534", path.toString());
        assertThatThrownBy(() -> Beacon.open(path))
                .isInstanceOfSatisfying(BeaconException.class, e -> {
                    assertThat(e.fault()).isEqualTo(Fault.NOT_OWNER);
                    assertThat(e.getMessage()).contains("uid 65534");
                });
        assertThat(Files.getAttribute(path, "unix:uid")).isEqualTo(65534);
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.DEAD);
    }

    @Test
    void missingDirectoryIsReportedAsSuch() {
        assertThatThrownBy(() -> Beacon.open(dir.resolve("no/such/b")))
                .isInstanceOfSatisfying(BeaconException.class, e -> {
                    assertThat(e.fault()).isEqualTo(Fault.NO_SUCH_DIRECTORY);
                    assertThat(e.errno()).contains("ENOENT");
                });
    }

    @Test
    void exclusiveRefusesEverySecondHolder() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon first = Beacon.open(path, BeaconOption.EXCLUSIVE)) {
            assertThatThrownBy(() -> Beacon.open(path, BeaconOption.EXCLUSIVE))
                    .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.HELD));
            assertThatThrownBy(() -> Beacon.open(path))
                    .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.HELD));
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        }
        try (Beacon next = Beacon.open(path, BeaconOption.EXCLUSIVE)) {
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        }
    }

    @Test
    void sharedHoldersShareAndTheLastOneRemoves() throws Exception {
        Path path = dir.resolve("b");
        Beacon one = Beacon.open(path);
        Beacon two = Beacon.open(path);
        assertThatThrownBy(() -> Beacon.open(path, BeaconOption.EXCLUSIVE))
                .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.HELD));
        one.close();
        assertThat(Probe.of(path).check().state()).as("still held by the second").isEqualTo(Status.State.ALIVE);
        two.close();
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ABSENT);
    }

    /**
     * A FIFO read by a program that is no lifeline holder (s6-supervise on its control FIFO, say)
     * is that program's: a beacon that joins it is a guest and leaves it in place, and so is any
     * beacon that joins after it, in another process too (guests announce no POSIX lock).
     */
    @Test
    void aBeaconJoiningAnotherProgramsReaderLeavesTheFifoToIt() throws Exception {
        Path path = dir.resolve("control");
        ProbeTest.mkfifo(path);
        Object inode = Files.getAttribute(path, "unix:ino");
        int reader = Sys.open(path, Sys.O_RDONLY | Sys.O_NONBLOCK | Sys.O_CLOEXEC);
        assertThat(reader).as("the other program's read end").isNotNegative();
        try {
            Beacon guest = Beacon.open(path);
            try (Running later = Processes.start("hold", path.toString())) {
                assertThat(later.nextLine()).isEqualTo("held");
                guest.close();
                assertThat(later.finish()).as("the later holder closed its beacon and ended").isZero();
            }
            assertThat(Files.getAttribute(path, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .as("the other program's FIFO, still in place").isEqualTo(inode);
            assertThat(Probe.of(path).check().state()).as("its reader still holds it").isEqualTo(Status.State.ALIVE);
        } finally {
            Sys.close(reader);
        }
        assertThat(Probe.of(path).check().state()).as("left as found, less its reader").isEqualTo(Status.State.DEAD);
    }

    /** The last of several lifeline holders in different processes removes the FIFO: no guest among them. */
    @Test
    void theLastHolderRemovesTheFifoAcrossProcesses() throws Exception {
        Path path = dir.resolve("b");
        try (Running first = Processes.start("hold", path.toString())) {
            assertThat(first.nextLine()).isEqualTo("held");
            Beacon second = Beacon.open(path);
            assertThat(first.finish()).as("the first holder closed its beacon and ended").isZero();
            assertThat(Probe.of(path).check().state()).as("still held by the second").isEqualTo(Status.State.ALIVE);
            second.close();
        }
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ABSENT);
    }

    @Test
    void descriptorIsCloseOnExec() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            String fd = null;
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path p : (Iterable<Path>) fds::iterator) {
                    try {
                        if (Files.readSymbolicLink(p).equals(path)) {
                            fd = p.getFileName().toString();
                        }
                    } catch (java.io.IOException gone) {
                        // the descriptor that listed the directory is closed by now
                    }
                }
            }
            assertThat(fd).as("the beacon's descriptor in /proc/self/fd").isNotNull();
            String info = Files.readString(Path.of("/proc/self/fdinfo", fd));
            Matcher flags = Pattern.compile("flags:\\s+([0-7]+)").matcher(info);
            assertThat(flags.find()).isTrue();
            int octal = Integer.parseInt(flags.group(1), 8);
            assertThat(octal & 02000000).as("O_CLOEXEC").isNotZero();
            assertThat(octal & 04000).as("O_NONBLOCK").isNotZero();
            assertThat(octal & 3).as("O_RDONLY").isZero();
        }
    }
}
