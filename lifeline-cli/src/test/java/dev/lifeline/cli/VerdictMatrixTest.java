package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Beacon;
import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole verdict matrix (issue 17) through the CLI's fast path ({@code lifeline check --json
 * PATH}, a real process that loads no class of picocli, started as the launcher starts it: its
 * calls through the JDK's own natives, no FFM downcall linked) and through the library's {@link Probe}
 * (in a process of its own, {@link ProbeMain}, as the same user): the same JSON object, the same
 * exit code, and the verdict each cell must have.
 */
class VerdictMatrixTest {
    @TempDir
    Path dir;

    /** A cell: the path checked, the state it must get, the fault (JSON name) if unknown, and who checks. */
    record Cell(Path path, Status.State state, String fault, List<String> asUser) {
    }

    @Test
    void theFastPathAndProbeAgreeOnEveryCell() throws Exception {
        // Root passes every permission check: the permission cell runs both sides as nobody, who
        // needs a class path and a directory it can read.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String classPath = readableCopyOfClassPath(dir.resolve("classpath"));
        List<String> nobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

        Path alive = dir.resolve("alive");
        Path hung = dir.resolve("hung");
        Path stale = dir.resolve("stale");
        Path socket = dir.resolve("socket");
        Path dangling = dir.resolve("dangling");
        Path denied = dir.resolve("denied");
        Cli.run(List.of("mkfifo", "-m", "600", stale.toString(), denied.toString()), null, Map.of());
        Files.createSymbolicLink(dangling, dir.resolve("nothing-here"));
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path directory = Files.createDirectory(dir.resolve("directory"));
        Path tooLong = dir.resolve("x".repeat(300));
        try (Beacon held = Beacon.open(alive);
                Beacon hanging = Beacon.open(hung);
                Beacon deniedHeld = Beacon.open(denied);
                ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            hanging.beat(Duration.ofMillis(1));
            Probe hungProbe = Probe.of(hung);
            Cli.poll("hung", hungProbe::check, s -> s.state() == Status.State.HUNG, Duration.ofSeconds(10));

            List<Cell> cells = List.of(
                    new Cell(alive, Status.State.ALIVE, null, List.of()),
                    new Cell(stale, Status.State.DEAD, null, List.of()),
                    new Cell(dir.resolve("absent"), Status.State.ABSENT, null, List.of()),
                    new Cell(hung, Status.State.HUNG, null, List.of()),
                    new Cell(socket, Status.State.UNKNOWN, "not_a_fifo", List.of()),
                    new Cell(Path.of("/dev/null"), Status.State.UNKNOWN, "not_a_fifo", List.of()),
                    new Cell(directory, Status.State.UNKNOWN, "not_a_fifo", List.of()),
                    new Cell(file, Status.State.UNKNOWN, "not_a_fifo", List.of()),
                    new Cell(denied, Status.State.UNKNOWN, "access_denied", nobody),
                    new Cell(dangling, Status.State.ABSENT, null, List.of()),
                    new Cell(tooLong, Status.State.UNKNOWN, "name_too_long", List.of()));
            Map<String, String> seen = new LinkedHashMap<>();
            // Each run's class-loading log, where nobody may write it too.
            Path logs = Files.createDirectory(dir.resolve("logs"));
            Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxrwxrwx"));
            for (Cell cell : cells) {
                Path log = logs.resolve(seen.size() + ".log");
                List<String> cli = new ArrayList<>(cell.asUser());
                // As the launcher runs check: its calls through the JDK's own natives (launch.sh).
                cli.addAll(List.of(Cli.javaBinary(), "-Xlog:class+load=info:file=" + log, "--enable-native-access=ALL-UNNAMED",
                        "-Xint"));
                cli.addAll(Running.JDK_BACKEND);
                cli.addAll(List.of("-cp", classPath, Main.class.getName(), "check", "--json", cell.path().toString()));
                Running.Result fast = Cli.run(cli, null, Map.of());
                List<String> library = new ArrayList<>(cell.asUser());
                library.addAll(List.of(Cli.javaBinary(), "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                        ProbeMain.class.getName(), cell.path().toString()));
                Running.Result probe = Cli.run(library, null, Map.of());

                String what = cell.state() + " " + cell.path() + (cell.asUser().isEmpty() ? "" : " as nobody");
                assertThat(probe.stderr()).as(what + ": the library's run\n" + probe).isEmpty();
                assertThat(fast.stdout()).as(what + "\nCLI: " + fast + "\nProbe: " + probe).isEqualTo(probe.stdout());
                assertThat(fast.exitCode()).as(what + "\n" + fast).isEqualTo(probe.exitCode())
                        .isEqualTo(Answers.exitCode(cell.state()));
                assertThat(fast.stdout()).as(what).contains("\"status\":\"" + Answers.name(cell.state()) + "\"");
                if (cell.fault() != null) {
                    assertThat(fast.stdout()).as(what).contains("\"fault\":\"" + cell.fault() + "\"");
                }
                List<String> loaded = Files.readAllLines(log);
                assertThat(loaded).as(what + ": the fast path ran").anyMatch(line -> line.contains(" dev.lifeline.cli.FastCheck "))
                        .noneMatch(line -> line.contains(" picocli."));
                assertThat(loaded).as(what + ": through the JDK's natives, no FFM downcall linked")
                        .anyMatch(line -> line.contains(" dev.lifeline.internal.linux.jdk.JdkCalls "))
                        .noneMatch(line -> line.contains("jdk.internal.foreign.abi.DowncallStub"));
                seen.put(what, fast.stdout().strip());
            }
            assertThat(seen).hasSize(cells.size());
        }
    }

    /**
     * This JVM's class path, copied where any user can read it (root's Maven repository is not),
     * in the same order.
     */
    private static String readableCopyOfClassPath(Path into) throws IOException {
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = into.resolve(i++ + "-" + from.getFileName());
            copy(from, to);
            entries.add(to.toString());
        }
        Files.walkFileTree(into, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                return FileVisitResult.CONTINUE;
            }
        });
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
