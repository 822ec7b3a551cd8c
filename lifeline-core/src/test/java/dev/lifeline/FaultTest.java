package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the environment: no descriptor left, no inode left, a read-only file system, the
 * directory or the FIFO taken away under a live holder. Each gives a clear error or the
 * documented behaviour, never a wrong verdict, and leaves no descriptor and no stray file.
 *
 * <p>The file-system faults mount a small tmpfs, which needs root (CI runs as root); without it
 * they fail, loudly, rather than skip.
 */
class FaultTest {
    @TempDir
    Path dir;

    // -- Descriptors --

    @Test
    void beaconOpenWithNoDescriptorLeftIsTooManyOpenFiles() throws Exception {
        Path path = dir.resolve("beacon");
        try (Running child = Processes.startWrapped(List.of("prlimit", "--nofile=256:256", "--"),
                System.getProperty("java.class.path"), "exhaust-open", path.toString())) {
            String line = child.nextLine();
            // No stray temporary; that a failed open leaves nothing at the path either (so probes say
            // ABSENT) is aBeaconOpenRefusedForWantOfDescriptorsLeavesNothingBehind's.
            assertThat(line).startsWith("refused TOO_MANY_OPEN_FILES EMFILE nothing-left=")
                    .endsWith("; then held ALIVE");
            assertThat(child.process().waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).as("no temporary").noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void watcherAndWaitsWithNoDescriptorLeftSayWhy() throws Exception {
        Path path = dir.resolve("beacon");
        try (Beacon beacon = Beacon.open(path);
                Running child = Processes.startWrapped(List.of("prlimit", "--nofile=256:256", "--"),
                        System.getProperty("java.class.path"), "exhaust-watch", path.toString())) {
            String line = child.nextLine();
            assertThat(line)
                    .startsWith("watcher refused: lifeline: cannot start a watcher: ")
                    .contains("(EMFILE)")
                    .contains("; awaitDeath UNKNOWN TOO_MANY_OPEN_FILES EMFILE")
                    .contains("; awaitAlive UNKNOWN TOO_MANY_OPEN_FILES EMFILE")
                    .endsWith("; then watcher started, awaitDeath ALIVE");
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
        }
    }

    // -- File systems: a small tmpfs of our own --

    /** A tmpfs mounted on a directory of the test's, unmounted by close. */
    record Tmpfs(Path root) implements AutoCloseable {
        static Tmpfs mount(Path at, String options) throws IOException, InterruptedException {
            Files.createDirectories(at);
            ProbeTest.run("mount", "-t", "tmpfs", "-o", options, "lifeline-test", at.toString());
            return new Tmpfs(at);
        }

        void remount(String options) throws IOException, InterruptedException {
            ProbeTest.run("mount", "-o", "remount," + options, root.toString());
        }

        @Override
        public void close() throws IOException {
            try {
                ProbeTest.run("umount", root.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    @Test
    void noInodeLeftIsNoSpaceAndLeavesNothing() throws Exception {
        try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), "size=64k,nr_inodes=16,mode=0755")) {
            int filled = 0;
            try {
                for (; filled < 100; filled++) {
                    Files.createFile(fs.root().resolve("filler" + filled));
                }
            } catch (FileSystemException full) {
                assertThat(full.getMessage()).contains("No space left on device");
            }
            assertThat(filled).as("files until the inodes ran out").isBetween(1, 99);
            List<Path> before = list(fs.root());
            int descriptors = Processes.openDescriptors();
            Path path = fs.root().resolve("beacon");
            for (BeaconOption[] options : List.of(new BeaconOption[0], new BeaconOption[] {BeaconOption.EXCLUSIVE})) {
                assertThatThrownBy(() -> Beacon.open(path, options))
                        .isInstanceOfSatisfying(BeaconException.class, e -> {
                            assertThat(e.fault()).isEqualTo(Fault.NO_SPACE);
                            assertThat(e.errno()).contains("ENOSPC");
                            assertThat(e.getMessage()).contains(path.toString()).contains("No space left on device");
                        });
            }
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ABSENT);
            assertThat(list(fs.root())).as("no stray FIFO, no temporary").isEqualTo(before);
            assertThat(Processes.openDescriptors()).isEqualTo(descriptors);

            // One inode freed: the beacon works, and closing it gives the inode back.
            Files.delete(fs.root().resolve("filler0"));
            try (Beacon beacon = Beacon.open(path)) {
                assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
            }
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ABSENT);
        }
    }

    @Test
    void readOnlyFileSystemIsReportedAndHeldBeaconsStillAnswer() throws Exception {
        try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), "size=64k,nr_inodes=64,mode=0755")) {
            Path stale = fs.root().resolve("stale");
            Path fresh = fs.root().resolve("fresh");
            Beacon.open(stale, BeaconOption.KEEP_ON_CLOSE).close();
            Beacon held = Beacon.open(fs.root().resolve("held"));
            fs.remount("ro");
            try {
                int descriptors = Processes.openDescriptors();
                assertThatThrownBy(() -> Beacon.open(fresh))
                        .isInstanceOfSatisfying(BeaconException.class, e -> {
                            assertThat(e.fault()).isEqualTo(Fault.READ_ONLY_FILE_SYSTEM);
                            assertThat(e.errno()).contains("EROFS");
                        });
                assertThat(Processes.openDescriptors()).isEqualTo(descriptors);
                // Taking over a stale FIFO with the mode asked for writes nothing, exclusive or not.
                try (Beacon taken = Beacon.open(stale, BeaconOption.EXCLUSIVE)) {
                    assertThat(Probe.of(stale).check().state()).isEqualTo(Status.State.ALIVE);
                }
                // ... but one with another mode must be changed (fchmod), which is refused.
                assertThatThrownBy(() -> Beacon.open(stale, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"),
                        BeaconOption.EXCLUSIVE))
                        .isInstanceOfSatisfying(BeaconException.class, e -> {
                            assertThat(e.fault()).isEqualTo(Fault.READ_ONLY_FILE_SYSTEM);
                            assertThat(e.getMessage()).contains("fchmod");
                        });

                // Probes need no write to the file system: FIFOs open for writing on a read-only mount.
                assertThat(Probe.of(fs.root().resolve("held")).check().state()).isEqualTo(Status.State.ALIVE);
                assertThat(Probe.of(stale).check().state()).isEqualTo(Status.State.DEAD);
                assertThat(Probe.of(fresh).check().state()).isEqualTo(Status.State.ABSENT);

                // A shared takeover of a stale FIFO writes nothing, so it works; a beat cannot be recorded.
                try (Beacon taken = Beacon.open(stale)) {
                    assertThat(Probe.of(stale).check().state()).isEqualTo(Status.State.ALIVE);
                    assertThatThrownBy(() -> taken.beat(Duration.ofSeconds(1)))
                            .isInstanceOfSatisfying(BeaconException.class,
                                    e -> assertThat(e.fault()).isEqualTo(Fault.READ_ONLY_FILE_SYSTEM));
                }
                // Its close could not remove the FIFO: it stays, and is truthfully DEAD.
                assertThat(Probe.of(stale).check().state()).isEqualTo(Status.State.DEAD);
                held.close();
                assertThat(Probe.of(fs.root().resolve("held")).check().state()).isEqualTo(Status.State.DEAD);
                assertThat(Processes.openDescriptors()).isEqualTo(descriptors - 1);
            } finally {
                held.close();
                fs.remount("rw");
            }
        }
    }

    // -- The path taken away under a live holder --

    @Test
    void directoryRemovedUnderALiveHolderReadsAbsentAndNothingIsRecreated() throws Exception {
        Path sub = dir.resolve("run");
        Files.createDirectory(sub);
        Path path = sub.resolve("daemon");
        int descriptors = Processes.openDescriptors();
        try (Running holder = Processes.start("hold", path.toString())) {
            assertThat(holder.nextLine()).isEqualTo("held");
            Probe probe = Probe.of(path);
            CompletableFutureStatus death = new CompletableFutureStatus(probe.onDeath());

            Files.delete(path);
            Files.delete(sub);
            // The holder lives and holds its (now nameless) FIFO; the path names nothing.
            assertThat(holder.process().isAlive()).isTrue();
            assertThat(probe.check().state()).isEqualTo(Status.State.ABSENT);
            assertThat(death.isDone()).as("the holder has not died").isFalse();

            // Its clean close finds nothing of its own at the path and removes nothing.
            assertThat(holder.finish()).isZero();
            assertThat(holder.nextLine()).isEqualTo("closed");
            assertThat(death.get().state()).as("the death, seen through the nameless FIFO").isEqualTo(Status.State.ABSENT);
            assertThat(Files.exists(sub)).as("nothing recreated").isFalse();
        }
        assertThat(Processes.openDescriptors()).isEqualTo(descriptors);
    }

    @Test
    void beaconReplacedUnderALiveHolderIsJudgedByWhatThePathNamesAndTheReplacementSurvives() throws Exception {
        Path path = dir.resolve("daemon");
        Path aside = dir.resolve("aside");
        int descriptors = Processes.openDescriptors();
        try (Running holder = Processes.start("hold", path.toString())) {
            assertThat(holder.nextLine()).isEqualTo("held");
            Probe probe = Probe.of(path);

            // A regular file in its place: no verdict, and the file is never touched.
            Files.move(path, aside);
            Files.writeString(path, "replacement");
            Status status = probe.check();
            assertThat(status.state()).isEqualTo(Status.State.UNKNOWN);
            assertThat(status.fault()).contains(Fault.NOT_A_FIFO);

            // A FIFO nobody holds in its place: the path names a dead beacon, and says so.
            Files.delete(path);
            ProbeTest.mkfifo(path);
            assertThat(probe.check().state()).isEqualTo(Status.State.DEAD);

            // Another holder's FIFO in its place: ALIVE, for that holder.
            Files.delete(path);
            try (Running other = Processes.start("hold", path.toString())) {
                assertThat(other.nextLine()).isEqualTo("held");
                Object inode = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                // The first holder's clean close must not remove the other's FIFO.
                assertThat(holder.finish()).isZero();
                assertThat(holder.nextLine()).isEqualTo("closed");
                assertThat(Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS)).isEqualTo(inode);
                assertThat(probe.check().state()).isEqualTo(Status.State.ALIVE);
                // The moved-aside FIFO was the first holder's: its close left it (another name), now DEAD.
                assertThat(Probe.of(aside).check().state()).isEqualTo(Status.State.DEAD);
                other.finish();
            }
            assertThat(probe.check().state()).isEqualTo(Status.State.ABSENT);
        }
        assertThat(Processes.openDescriptors()).isEqualTo(descriptors);
    }

    @Test
    void aRegularFileReplacingTheFifoSurvivesTheHoldersClose() throws Exception {
        Path path = dir.resolve("daemon");
        try (Running holder = Processes.start("hold", path.toString())) {
            assertThat(holder.nextLine()).isEqualTo("held");
            Files.delete(path);
            Files.writeString(path, "replacement");
            assertThat(holder.finish()).isZero();
            assertThat(holder.nextLine()).isEqualTo("closed");
        }
        assertThat(Files.readString(path)).isEqualTo("replacement");
    }

    private static Watcher.Change next(BlockingQueue<Watcher.Change> changes) throws InterruptedException {
        Watcher.Change change = changes.poll(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(change).as("a change within " + Processes.DEADLINE).isNotNull();
        return change;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    /** A future status with a bounded get. */
    record CompletableFutureStatus(java.util.concurrent.CompletableFuture<Status> future) {
        boolean isDone() {
            return future.isDone();
        }

        Status get() throws Exception {
            return future.get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * Beacon.open that fails with EMFILE leaves no FIFO it created at the path, which probes would
     * take for a daemon that died. (Found by the trust tests of issue 7.)
     */
    @Test
    void aBeaconOpenRefusedForWantOfDescriptorsLeavesNothingBehind() throws Exception {
        Path path = dir.resolve("beacon");
        try (Running child = Processes.startWrapped(java.util.List.of("prlimit", "--nofile=256:256", "--"),
                System.getProperty("java.class.path"), "exhaust-open", path.toString())) {
            assertThat(child.nextLine()).startsWith("refused TOO_MANY_OPEN_FILES EMFILE nothing-left=true files=0 after ");
        }
    }
}
