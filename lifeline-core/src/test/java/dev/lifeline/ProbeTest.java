package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a check answers for every kind of thing at a path. Each UNKNOWN keeps its cause. */
class ProbeTest {
    @TempDir
    Path dir;

    @Test
    void absentWhenNothingIsThere() {
        Path path = dir.resolve("none");
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ABSENT);
        assertThat(Lifeline.isAlive(path)).isFalse();
    }

    @Test
    void absentWhenTheParentIsMissing() {
        Status status = Lifeline.check(dir.resolve("missing/dir/beacon"));
        assertThat(status.state()).isEqualTo(Status.State.ABSENT);
    }

    @Test
    void deadForAFifoNobodyHolds() throws Exception {
        Path path = dir.resolve("stale");
        mkfifo(path);
        Status status = Probe.of(path).check();
        assertThat(status.state()).isEqualTo(Status.State.DEAD);
        assertThat(status.fault()).isEmpty();
        assertThat(status.path()).isEqualTo(path);
    }

    @Test
    void aliveWhileABeaconIsHeld() throws Exception {
        Path path = dir.resolve("held");
        Probe probe = Probe.of(path);
        try (Beacon beacon = Beacon.open(path)) {
            assertThat(probe.check().state()).isEqualTo(Status.State.ALIVE);
            assertThat(Lifeline.isAlive(path)).isTrue();
        }
        assertThat(probe.check().state()).isEqualTo(Status.State.ABSENT);
    }

    @Test
    void regularFileIsUnknownAndUntouched() throws Exception {
        Path file = dir.resolve("file");
        Files.writeString(file, "precious");
        FileTime mtime = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file, mtime);
        Status status = Probe.of(file).check();
        assertThat(status.state()).isEqualTo(Status.State.UNKNOWN);
        assertThat(status.fault()).contains(Fault.NOT_A_FIFO);
        assertThat(status.reason()).contains("regular file");
        assertThat(Files.readString(file)).isEqualTo("precious");
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);
    }

    @Test
    void directoryIsNotAFifo() {
        Status status = Probe.of(dir).check();
        assertThat(status.state()).isEqualTo(Status.State.UNKNOWN);
        assertThat(status.fault()).contains(Fault.NOT_A_FIFO);
        assertThat(status.errno()).contains("EISDIR");
    }

    @Test
    void devNullIsNotAFifo() {
        Status status = Probe.of(Path.of("/dev/null")).check();
        assertThat(status.state()).isEqualTo(Status.State.UNKNOWN);
        assertThat(status.fault()).contains(Fault.NOT_A_FIFO);
        assertThat(status.reason()).contains("character device");
    }

    @Test
    void unixSocketIsNotDeadThoughTheKernelSaysEnxio() throws Exception {
        Path path = dir.resolve("sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            Status status = Probe.of(path).check();
            assertThat(status.state()).isEqualTo(Status.State.UNKNOWN);
            assertThat(status.fault()).contains(Fault.NOT_A_FIFO);
            assertThat(status.reason()).contains("socket");
        }
    }

    @Test
    void symlinkToALiveFifoIsAlive() throws Exception {
        Path fifo = dir.resolve("real");
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, fifo);
        try (Beacon beacon = Beacon.open(fifo)) {
            assertThat(Probe.of(link).check().state()).isEqualTo(Status.State.ALIVE);
        }
        assertThat(Probe.of(link).check().state()).isEqualTo(Status.State.ABSENT);
    }

    @Test
    void danglingSymlinkIsAbsent() throws Exception {
        Path link = dir.resolve("dangling");
        Files.createSymbolicLink(link, dir.resolve("nowhere"));
        assertThat(Probe.of(link).check().state()).isEqualTo(Status.State.ABSENT);
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void symlinkLoopIsUnknown() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        Status status = Probe.of(a).check();
        assertThat(status.fault()).contains(Fault.SYMLINK_LOOP);
        assertThat(status.errno()).contains("ELOOP");
    }

    @Test
    void fileAsParentIsNotADirectory() throws Exception {
        Path file = dir.resolve("plain");
        Files.writeString(file, "x");
        Status status = Probe.of(file.resolve("beacon")).check();
        assertThat(status.state()).isEqualTo(Status.State.UNKNOWN);
        assertThat(status.fault()).contains(Fault.NOT_A_DIRECTORY);
        assertThat(status.errno()).contains("ENOTDIR");
        assertThat(status.toString()).contains("ENOTDIR").contains(file.toString());
    }

    @Test
    void tooLongANameIsNameTooLong() {
        Status component = Probe.of(dir.resolve("n".repeat(300))).check();
        assertThat(component.fault()).contains(Fault.NAME_TOO_LONG);
        assertThat(component.errno()).contains("ENAMETOOLONG");

        Path deep = dir;
        for (int i = 0; i < 50; i++) {
            deep = deep.resolve("d".repeat(100));
        }
        Status whole = Probe.of(deep).check();
        assertThat(whole.fault()).contains(Fault.NAME_TOO_LONG);
    }

    @Test
    void nulCharacterNeverReachesTheKernel() {
        // The default file system refuses it before lifeline sees it; the native layer checks
        // again for any other way in (NativePathTest).
        assertThatThrownBy(() -> Probe.of(Path.of(dir + "/bad\0name"))).isInstanceOf(InvalidPathException.class);
    }

    @Test
    void fifoOwnedByAnotherUserIsStillCheckedTruthfully() throws Exception {
        Path path = dir.resolve("theirs");
        mkfifo(path);
        if (Processes.isRoot()) {
            run("chown", "65534:65534", path.toString());
        }
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.DEAD);
    }

    @Test
    void permissionDeniedAsAnUnprivilegedUser() throws Exception {
        Path fifo = dir.resolve("private");
        mkfifo(fifo);
        Files.setPosixFilePermissions(fifo, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (Beacon holder = Beacon.open(fifo)) {
            String line;
            if (Processes.isRoot()) {
                // Root passes every permission check: drop to nobody for this one. The child
                // needs a class path nobody can read, so it gets a world-readable copy.
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                String classPath = Readable.copyOfClassPath();
                try (Running child = Processes.startWrapped(
                        List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), classPath,
                        "check", fifo.toString())) {
                    line = child.nextLine();
                }
            } else {
                // Not root: the FIFO is ours, so make it unreadable to ourselves instead.
                Files.setPosixFilePermissions(fifo, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
                line = Probe.of(fifo).check().toString();
            }
            assertThat(line).startsWith("UNKNOWN ACCESS_DENIED ").contains("EACCES").contains("Permission denied");
        }
    }

    @Test
    void tooManyOpenFilesIsUnknownNotDead() throws Exception {
        Path path = dir.resolve("beacon");
        mkfifo(path);
        String classPath = System.getProperty("java.class.path");
        try (Running child = Processes.startWrapped(List.of("prlimit", "--nofile=256:256", "--"), classPath,
                "exhaust", path.toString())) {
            String line = child.nextLine();
            assertThat(line).startsWith("UNKNOWN TOO_MANY_OPEN_FILES EMFILE after ");
        }
    }

    @Test
    void checksLeakNoDescriptor() throws Exception {
        Path live = dir.resolve("live");
        Path stale = dir.resolve("stale");
        Path file = dir.resolve("file");
        mkfifo(stale);
        Files.writeString(file, "x");
        try (Beacon beacon = Beacon.open(live)) {
            List<Probe> probes = List.of(Probe.of(live), Probe.of(stale), Probe.of(file), Probe.of(dir),
                    Probe.of(dir.resolve("absent")), Probe.of(Path.of("/dev/null")));
            probes.forEach(Probe::check); // first use links handles, which may open files
            int before = Processes.openDescriptors();
            for (int i = 0; i < 2_000; i++) {
                probes.forEach(Probe::check);
            }
            assertThat(Processes.openDescriptors()).isEqualTo(before);
        }
    }

    static void mkfifo(Path path) throws IOException, InterruptedException {
        run("mkfifo", path.toString());
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
    }
}
