package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A beacon on a file system shared between hosts, for real: an sshfs mount, over loopback, of a
 * directory of this host, served by an sshd the test starts itself. The backing directory plays
 * the other host: to the kernel, a file seen through the mount and the same file seen in the
 * backing directory are two inodes (a FUSE inode here, an ext4 or tmpfs one there), just as an
 * NFS client's inode and the server's are. So a reader on one side is invisible on the other,
 * which is the reason lifeline refuses such a place.
 *
 * <p>Needs root (FUSE mount, sshd) and the Debian packages sshfs and openssh-server; CI installs
 * them. Without them the test fails, loudly, rather than skip: the refusal was never tested on a
 * real remote mount before, and a skip would let that go unnoticed again.
 */
class RemoteFileSystemTest {
    /** FUSE_SUPER_MAGIC: what statfs says for every FUSE file system, sshfs or not. */
    private static final String FUSE_SUPER_MAGIC = "65735546";

    private static final String NEEDS =
            "RemoteFileSystemTest needs root, /dev/fuse and the Debian packages sshfs and openssh-server";

    private static Sshfs remote;

    @BeforeAll
    static void mount() throws Exception {
        remote = Sshfs.start();
    }

    @AfterAll
    static void unmount() throws Exception {
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    void theKernelCallsTheMountFuseSshfs() throws Exception {
        // The mount table names the FUSE subtype; that name is what Strict reads (FileStore.type).
        assertThat(Sshfs.mountType(remote.mount)).contains("fuse.sshfs");
        assertThat(Files.getFileStore(remote.mount).type()).isEqualTo("fuse.sshfs");
        // statfs knows only that it is FUSE: the same magic as for any local FUSE file system.
        assertThat(run("stat", "-f", "-c", "%t", remote.mount.toString()).strip()).isEqualTo(FUSE_SUPER_MAGIC);
        assertThat(Files.getFileStore(remote.backing).type()).isNotEqualTo("fuse.sshfs");
    }

    @Test
    void beaconOpenIsRefusedAsRemoteAndNothingIsCreated() throws Exception {
        Side dir = remote.directory("refused");
        Path path = dir.mounted().resolve("b");
        for (BeaconOption[] options : List.of(new BeaconOption[0], new BeaconOption[] {BeaconOption.EXCLUSIVE})) {
            assertThatThrownBy(() -> Beacon.open(path, options))
                    .isInstanceOfSatisfying(BeaconException.class, e -> {
                        assertThat(e.fault()).isEqualTo(Fault.REMOTE_FILE_SYSTEM);
                        assertThat(e.errno()).isEmpty();
                        assertThat(e.getMessage())
                                .contains(path.toString())
                                .contains("is on fuse.sshfs, a file system shared between hosts")
                                .contains("TRUST_DIRECTORY");
                    });
        }
        // Refused before anything was made: no FIFO, and no .NAME.*.lifeline-new temporary.
        assertThat(list(dir.backing())).isEmpty();
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ABSENT);
    }

    @Test
    void trustDirectoryGetsPastTheCheckButSshfsCannotMakeAFifo() throws Exception {
        Side dir = remote.directory("trusted");
        Path path = dir.mounted().resolve("b");
        // SFTP has no request for making a FIFO: sshfs answers mknod of anything but a regular
        // file with EPERM. So the open fails on its own terms, with the errno's fault.
        for (BeaconOption[] options : List.of(new BeaconOption[] {BeaconOption.TRUST_DIRECTORY},
                new BeaconOption[] {BeaconOption.TRUST_DIRECTORY, BeaconOption.EXCLUSIVE})) {
            assertThatThrownBy(() -> Beacon.open(path, options))
                    .isInstanceOfSatisfying(BeaconException.class, e -> {
                        assertThat(e.fault()).isEqualTo(Fault.ACCESS_DENIED);
                        assertThat(e.errno()).contains("EPERM");
                        assertThat(e.getMessage()).contains(path.toString()).contains("mkfifo: Operation not permitted");
                    });
        }
        assertThat(list(dir.backing())).as("no FIFO, no temporary").isEmpty();
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ABSENT);
    }

    @Test
    void aProbeWarnsAndReportsWhatThisKernelSees() throws Exception {
        Side dir = remote.directory("probed");
        try (Beacon other = Beacon.open(dir.backing().resolve("b"))) {
            Probe here = Probe.of(dir.mounted().resolve("b"));
            assertThat(here.warnings()).singleElement().asString()
                    .contains("is on fuse.sshfs, a file system shared between hosts")
                    .contains("shows the readers of this host only");
            // Probe's contract: it warns and still checks; the verdict is what this kernel says,
            // and this kernel sees no reader of the FIFO the other host holds.
            assertThat(here.check().state()).isEqualTo(Status.State.DEAD);
            Probe there = Probe.of(dir.backing().resolve("b"));
            assertThat(there.warnings()).isEmpty();
            assertThat(there.check().state()).isEqualTo(Status.State.ALIVE);
        }
        assertThat(list(dir.backing())).isEmpty();
    }

    @Test
    void aProbeThroughASymbolicLinkWarnsAboutTheFileSystemOfTheFifo() throws Exception {
        Side dir = remote.directory("linked");
        // The link is on this host's own disk; the FIFO it names, which a probe checks, is not.
        Path here = Files.createDirectory(remote.root.resolve("linked-from-here"));
        Path link = Files.createSymbolicLink(here.resolve("b"), dir.mounted().resolve("b"));
        try (Beacon other = Beacon.open(dir.backing().resolve("b"))) {
            Probe probe = Probe.of(link);
            assertThat(probe.warnings()).singleElement().asString()
                    .startsWith(dir.mounted() + " is on fuse.sshfs, a file system shared between hosts");
            assertThat(probe.check().state()).isEqualTo(Status.State.DEAD);
        } finally {
            Files.delete(link);
            Files.delete(here);
        }
    }

    /**
     * What the refusal prevents, shown with TRUST_DIRECTORY: each side holds the same FIFO, and
     * neither sees the other. Two EXCLUSIVE holders at once, a promise lost, and a close on one
     * side that removes the beacon of a holder still alive on the other.
     */
    @Test
    void withTrustDirectoryEachSideSeesOnlyItsOwnHolder() throws Exception {
        Side dir = remote.directory("split");
        Path there = dir.backing().resolve("b");
        Path here = dir.mounted().resolve("b");
        try (Beacon other = Beacon.open(there, BeaconOption.EXCLUSIVE)) {
            other.beat(Duration.ofMinutes(10));
            assertThat(Probe.of(there).check().deadline()).as("the other host's promise").isPresent();
            assertThat(Probe.of(here).check().state()).as("the other host's holder, seen from here").isEqualTo(Status.State.DEAD);

            // On one host EXCLUSIVE admits one holder...
            assertThatThrownBy(() -> Beacon.open(there, BeaconOption.EXCLUSIVE))
                    .isInstanceOfSatisfying(BeaconException.class, e -> assertThat(e.fault()).isEqualTo(Fault.HELD));
            // ...but from here the FIFO looks stale, and is taken over, exclusively, as well.
            try (Beacon mine = Beacon.open(here, BeaconOption.EXCLUSIVE, BeaconOption.TRUST_DIRECTORY)) {
                assertThat(Probe.of(here).check().state()).isEqualTo(Status.State.ALIVE);
                Status theirs = Probe.of(there).check();
                assertThat(theirs.state()).isEqualTo(Status.State.ALIVE);
                // Taking a stale FIFO over resets its times: that was the other host's promise.
                assertThat(theirs.deadline()).as("the other host's promise, after the takeover").isEmpty();

                // A beat through sshfs succeeds, but SFTP keeps whole seconds: the signed
                // nanoseconds are gone, so no promise is seen (plain ALIVE, never HUNG).
                mine.beat(Duration.ofMinutes(10));
                Status seen = Probe.of(here).check();
                assertThat(seen.state()).isEqualTo(Status.State.ALIVE);
                assertThat(seen.deadline()).as("a promise made through sshfs").isEmpty();
                assertThat(Files.getLastModifiedTime(there).toInstant().getNano()).as("nanoseconds kept").isZero();
            }
            // The holder here was the last one it could see, so its close removed the FIFO:
            // the other host's daemon lives on, and its beacon is gone.
            assertThat(other.isOpen()).isTrue();
            assertThat(Probe.of(there).check().state()).isEqualTo(Status.State.ABSENT);
        }
        assertThat(list(dir.backing())).isEmpty();
    }

    @Test
    void aHolderHereIsInvisibleOnTheOtherHost() throws Exception {
        Side dir = remote.directory("reverse");
        Path there = dir.backing().resolve("b");
        Path here = dir.mounted().resolve("b");
        // sshfs makes no FIFO; one made on the other host (and left there, stale) can be held here.
        run("mkfifo", "-m", "0600", there.toString());
        try (Beacon mine = Beacon.open(here, BeaconOption.TRUST_DIRECTORY)) {
            assertThat(Probe.of(here).check().state()).isEqualTo(Status.State.ALIVE);
            assertThat(Probe.of(there).check().state()).as("this host's holder, seen from the other").isEqualTo(Status.State.DEAD);
        }
        assertThat(list(dir.backing())).as("the close removed it, through the mount").isEmpty();
    }

    // -- The mount --

    /** One test's directory, as the other host has it and as it is seen here through sshfs. */
    record Side(Path backing, Path mounted) {
    }

    /**
     * An sshd of the test's own, on 127.0.0.1 and a free port, with its own host key and
     * authorised key, all in a temporary directory; and sshfs, in the foreground as a child of
     * this JVM, mounting a directory beside them. {@link #close()} unmounts before it deletes
     * anything: a recursive delete through a live mount would walk into the mounted tree.
     */
    static final class Sshfs implements AutoCloseable {
        final Path root;
        final Path backing;
        final Path mount;
        private int port;
        private Process sshd;
        private Process sshfs;
        private final StringBuffer sshdLog = new StringBuffer();
        private final StringBuffer sshfsLog = new StringBuffer();

        private Sshfs(Path root) {
            this.root = root;
            this.backing = root.resolve("backing");
            this.mount = root.resolve("mnt");
        }

        static Sshfs start() throws Exception {
            Path sshfsBinary = executable("sshfs");
            Path sshdBinary = executable("sshd");
            Path keygen = executable("ssh-keygen");
            // A temporary directory of mode 0700: keys in it are readable by root only.
            Sshfs s = new Sshfs(Files.createTempDirectory("lifeline-remote").toRealPath());
            try {
                s.startSshd(sshdBinary, keygen);
                s.startSshfs(sshfsBinary);
                return s;
            } catch (Throwable e) {
                try {
                    s.close();
                } catch (Throwable cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }

        /** A fresh directory for one test, on the other host's side, and its view through the mount. */
        Side directory(String name) throws IOException {
            Files.createDirectory(backing.resolve(name));
            return new Side(backing.resolve(name), mount.resolve(name));
        }

        private void startSshd(Path sshdBinary, Path keygen) throws Exception {
            Files.createDirectory(backing);
            Files.createDirectory(mount);
            run(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "lifeline-test-host", "-f", root.resolve("host_key").toString());
            run(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "lifeline-test-client", "-f", root.resolve("client_key").toString());
            Files.copy(root.resolve("client_key.pub"), root.resolve("authorized_keys"));
            // sshd refuses to start without its privilege separation directory, which the
            // package's init script or systemd unit would create; we start neither.
            Path privsep = Path.of("/run/sshd");
            if (!Files.isDirectory(privsep)) {
                Files.createDirectories(privsep, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
            // The free port is found by binding and letting go; another process may take it
            // meanwhile, so sshd failing to bind means: try another.
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                Path config = root.resolve("sshd_config");
                Files.writeString(config, String.join("\n",
                        "Port " + port,
                        "ListenAddress 127.0.0.1",
                        "HostKey " + root.resolve("host_key"),
                        "AuthorizedKeysFile " + root.resolve("authorized_keys"),
                        "PidFile " + root.resolve("sshd.pid"),
                        "UsePAM no",
                        "PermitRootLogin prohibit-password",
                        "PubkeyAuthentication yes",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        // The key files sit under /tmp, which others may write: StrictModes
                        // would refuse them for that, though the directory of ours is 0700.
                        "StrictModes no",
                        "Subsystem sftp internal-sftp",
                        ""));
                // -D: stay in the foreground, a child we can end; -e: log to standard error,
                // where "Server listening" says that it is ready.
                sshdLog.setLength(0);
                sshd = new ProcessBuilder(sshdBinary.toString(), "-D", "-e", "-f", config.toString())
                        .redirectErrorStream(true).start();
                BlockingQueue<String> lines = drain(sshd, sshdLog);
                String ready = "Server listening on 127.0.0.1 port " + port;
                String line;
                while ((line = lines.poll(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)) != null
                        && !line.startsWith(ready) && !line.equals(EOF)) {
                    // a line of sshd's log before it listens: keep reading
                }
                if (line != null && line.startsWith(ready)) {
                    this.port = port;
                    return;
                }
                stop(sshd);
                if (attempt == 3 || !sshdLog.toString().contains("Address already in use")) {
                    throw new AssertionError(NEEDS + "; sshd did not start: " + sshdLog);
                }
            }
        }

        private void startSshfs(Path sshfsBinary) throws Exception {
            // -f: foreground, so that the FUSE daemon is our child; -F /dev/null: no ssh_config
            // of the machine or of root's; BatchMode: never ask for a password.
            sshfs = new ProcessBuilder(sshfsBinary.toString(), "-f", "-F", "/dev/null",
                    "-o", "IdentityFile=" + root.resolve("client_key") + ",IdentitiesOnly=yes,BatchMode=yes"
                            + ",StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,LogLevel=ERROR,port=" + port,
                    "root@127.0.0.1:" + backing, mount.toString())
                    .redirectErrorStream(true).start();
            drain(sshfs, sshfsLog);
            // sshfs says nothing when it is ready, and it mounts before it connects: a mount in
            // the table may still go away when the login fails. Ready is when a file of the
            // other side shows through it.
            Path marker = Files.writeString(backing.resolve("served-through-sshfs"), "");
            long deadline = System.nanoTime() + Processes.DEADLINE.toNanos();
            while (mountType(mount).isEmpty() || !Files.exists(mount.resolve(marker.getFileName()))) {
                if (sshfs.waitFor(10, TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(NEEDS + "; sshfs exited with " + sshfs.exitValue()
                            + " before serving the mount: " + sshfsLog + "\nsshd: " + sshdLog);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(NEEDS + "; no mount served at " + mount + " after " + Processes.DEADLINE + ": "
                            + sshfsLog);
                }
            }
        }

        /**
         * Unmounts, ends sshfs and sshd, and only then deletes the temporary directory; if the
         * mount cannot be taken away, nothing is deleted and the test fails saying so.
         */
        @Override
        public void close() throws Exception {
            List<String> problems = new ArrayList<>();
            boolean detached = false;
            if (mountType(mount).isPresent()) {
                String out = runQuietly("umount", mount.toString());
                if (mountType(mount).isPresent()) {
                    // Busy: a descriptor still open in it (a test that failed holding a beacon).
                    // Detach it from the tree at once, so that nothing below the temporary
                    // directory reaches the backing directory through it any more.
                    problems.add("umount " + mount + ": " + out);
                    runQuietly("umount", "-l", mount.toString());
                    detached = true;
                }
            }
            if (sshfs != null) {
                // A clean unmount ends the FUSE daemon, and with it the ssh connection and sshd's
                // session. A detached mount lives on while the descriptor does: end the daemon.
                if (detached) {
                    stop(sshfs);
                } else if (!sshfs.waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                    problems.add("sshfs did not exit after the unmount");
                    stop(sshfs);
                }
            }
            if (sshd != null) {
                long deadline = System.nanoTime() + Processes.DEADLINE.toNanos();
                while (sshd.descendants().findAny().isPresent() && System.nanoTime() - deadline < 0) {
                    sshd.waitFor(10, TimeUnit.MILLISECONDS);
                }
                sshd.descendants().forEach(ProcessHandle::destroyForcibly);
                stop(sshd);
            }
            if (mountType(mount).isPresent() || mountsBelow(root)) {
                throw new AssertionError("still mounted below " + root + ", left in place: " + problems);
            }
            try (var walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            if (!problems.isEmpty()) {
                throw new AssertionError(String.join("; ", problems));
            }
        }

        /** The type the mount table gives the mount at exactly {@code point}, if it is one. */
        static Optional<String> mountType(Path point) throws IOException {
            for (String[] entry : mountinfo()) {
                if (entry[0].equals(point.toString())) {
                    return Optional.of(entry[1]);
                }
            }
            return Optional.empty();
        }

        private static boolean mountsBelow(Path dir) throws IOException {
            return mountinfo().stream().anyMatch(e -> Path.of(e[0]).startsWith(dir));
        }

        /** Mount point and type of each line of /proc/self/mountinfo (see proc(5)). */
        private static List<String[]> mountinfo() throws IOException {
            List<String[]> entries = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                int separator = List.of(fields).indexOf("-");
                // Octal escapes (\040 for a space) never occur in our own paths.
                entries.add(new String[] {fields[4], fields[separator + 1]});
            }
            return entries;
        }

        private static final String EOF = "\u0000end of output";

        /** Reads a process's output on a daemon thread: into {@code log}, and line by line. */
        private static BlockingQueue<String> drain(Process p, StringBuffer log) {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        log.append(line).append('\n');
                        lines.add(line);
                    }
                } catch (IOException ended) {
                    // the process is gone; what it said is in the log
                }
                lines.add(EOF);
            }, "drain " + p.pid());
            reader.setDaemon(true);
            reader.start();
            return lines;
        }

        private static void stop(Process p) throws InterruptedException {
            p.destroy();
            if (!p.waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        /** {@code name} on PATH, or in the sbin directories, which a non-login PATH may lack. */
        private static Path executable(String name) {
            List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
            dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
            for (String dir : dirs) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name).toAbsolutePath();
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
            throw new AssertionError(NEEDS + "; " + name + " is missing (apt-get install sshfs openssh-server)");
        }
    }

    // -- Helpers --

    private static List<String> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs a command to its end; fails with its output unless it exits 0. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    /** Runs a command to its end and returns its output, whatever its exit status. */
    private static String runQuietly(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return "exit " + p.waitFor() + " " + out.strip();
    }
}
