package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconOption;
import dev.lifeline.testkit.Running;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

class HoldCommandTest {
    private static final FileTime PAST = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));

    @TempDir
    Path dir;

    /** hold, run and exec say which directory is missing and what to do, not "mkfifo: ENOENT". */
    @Test
    void aMissingDirectoryIsNamedWithWhatToDo() {
        Path missing = dir.resolve("missing");
        Path beacon = missing.resolve("b");
        for (List<String> args : List.of(List.of("hold", beacon.toString()),
                List.of("run", beacon.toString(), "--", "true"), List.of("exec", beacon.toString(), "--", "true"))) {
            Running.Result r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(args + ": " + r).isNotZero();
            assertThat(r.stderr()).as(args.get(0))
                    .contains("the directory " + missing + " does not exist")
                    .contains("create it first");
            assertThat(Files.exists(missing)).isFalse();
        }
    }

    /**
     * What docs/cli/hold.md says of {@code hold &} in a script: the background job ignores SIGINT
     * (the shell starts it so, and the JVM keeps it so), and SIGTERM stops it cleanly.
     */
    @Test
    void aHoldStartedInTheBackgroundOfAScriptIgnoresSigintAndStopsOnSigterm() throws Exception {
        Path beacon = dir.resolve("b");
        StringBuilder command = new StringBuilder();
        for (String word : Cli.java("hold", beacon.toString()).subList(2, Cli.java().size() + 2)) {
            command.append('\'').append(word.replace("'", "'\\''")).append("' ");
        }
        // The script backgrounds the holder as a user's script would, says its pid, and waits for it.
        String script = command + "& echo $!; wait $!";
        Process shell = Cli.start(List.of("bash", "-c", script), dir, Map.of());
        var stdout = new java.io.BufferedReader(new java.io.InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8));
        long pid = Long.parseLong(stdout.readLine().strip());
        assertThat(stdout.readLine()).startsWith("holding " + beacon);
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        Matcher ignored = Pattern.compile("(?m)^SigIgn:\\s*([0-9a-f]+)$").matcher(status);
        assertThat(ignored.find()).isTrue();
        assertThat(new java.math.BigInteger(ignored.group(1), 16).testBit(2 - 1)).as("SIGINT ignored by the background job").isTrue();
        Cli.signal("TERM", pid);
        assertThat(Cli.waitFor(shell)).as("the script's wait: hold's exit status after SIGTERM").isZero();
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).as("FIFO removed").isFalse();
    }

    @Test
    void printsOneLineOnceHeldAndSigtermRemovesTheFifo() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            assertThat(holder.line()).isEqualTo("holding " + beacon + " (pid " + holder.process().pid() + ")");
            assertThat(Cli.run("check", "-q", beacon.toString()).exitCode()).isEqualTo(0);

            assertThat(holder.terminate()).as("exit status after SIGTERM").isEqualTo(0);
            assertThat(holder.restOfStdout()).isEmpty();
            assertThat(holder.stderr()).isEmpty();
        }
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).as("FIFO removed").isFalse();
    }

    @Test
    void sigintStopsItCleanlyToo() throws Exception {
        // A JVM started with SIGINT ignored (a background job, nohup) keeps ignoring it, as any
        // Unix program should; the children of this JVM would inherit that.
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            Running.Result kill = Cli.run(List.of("/bin/sh", "-c", "kill -INT " + holder.process().pid()), null, Map.of());
            assertThat(kill.exitCode()).as(kill.toString()).isZero();
            assertThat(Cli.waitFor(holder.process())).as("exit status after SIGINT").isEqualTo(0);
        }
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).as("FIFO removed").isFalse();
    }

    @Test
    void endsByItselfAfterTheDurationAndRemovesTheFifo() {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString(), "--for", "500ms")) {
            assertThat(Cli.waitFor(holder.process())).isEqualTo(0);
            assertThat(holder.stderr()).isEmpty();
        }
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).as("FIFO removed").isFalse();
    }

    @Test
    void keepLeavesTheFifoSoChecksSayDead() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString(), "--keep")) {
            assertThat(holder.terminate()).isEqualTo(0);
        }
        assertThat(CheckCommandTest.isFifo(beacon)).isTrue();
        assertThat(Cli.run("check", beacon.toString()).exitCode()).isEqualTo(1);
    }

    @Test
    void takesOverAStaleFifo() throws Exception {
        Path beacon = dir.resolve("b");
        Object stale;
        try (Running first = Cli.hold(beacon.toString())) {
            first.kill();
            stale = fileKey(beacon);
        }
        try (Running second = Cli.hold(beacon.toString())) {
            assertThat(fileKey(beacon)).as("same inode").isEqualTo(stale);
            assertThat(Cli.run("check", "-q", beacon.toString()).exitCode()).isEqualTo(0);
        }
    }

    @Test
    void exclusiveIsRefusedWhileAnotherExclusiveHolderLives() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running first = Cli.hold(beacon.toString(), "--exclusive")) {
            Object inode = fileKey(beacon);
            Running.Result second = Cli.run("hold", beacon.toString(), "--exclusive");
            assertThat(second.exitCode()).as(second.toString()).isEqualTo(1);
            assertThat(second.stdout()).isEmpty();
            assertThat(second.stderr()).startsWith("lifeline: unable to hold " + beacon + ": ");

            assertThat(fileKey(beacon)).as("the first holder's FIFO is left alone").isEqualTo(inode);
            assertThat(Cli.run("check", "-q", beacon.toString()).exitCode()).isEqualTo(0);
            assertThat(first.process().isAlive()).isTrue();
        }
    }

    @Test
    void modeGivesExactlyThosePermissionsWhateverTheUmask() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.holder(underUmask("077", "hold", beacon.toString(), "--mode", "0640"))) {
            assertThat(permissions(beacon)).isEqualTo("rw-r-----");
        }
        Path other = dir.resolve("c");
        try (Running holder = Cli.holder(underUmask("000", "hold", other.toString()))) {
            assertThat(permissions(other)).as("default mode under umask 000").isEqualTo("rw-------");
        }
    }

    @Test
    void refusesARegularFileAndLeavesItUntouched() throws Exception {
        Path file = dir.resolve("file");
        byte[] content = "precious\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, content);
        Files.setLastModifiedTime(file, PAST);

        assertRefused(hold(file), file, 4);
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(PAST);
    }

    @Test
    void refusesADirectoryAndLeavesItUntouched() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("d"));
        Files.writeString(directory.resolve("inside"), "x");
        Files.setLastModifiedTime(directory, PAST);

        assertRefused(hold(directory), directory, 4);
        try (var entries = Files.list(directory)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("inside");
        }
        assertThat(Files.getLastModifiedTime(directory)).isEqualTo(PAST);
    }

    @Test
    void refusesASymlinkEvenToAFifoAndLeavesBothUntouched() throws Exception {
        Path fifo = dir.resolve("fifo");
        Beacon.open(fifo, BeaconOption.KEEP_ON_CLOSE).close(); // a stale FIFO, as a crash leaves it
        Object inode = fileKey(fifo);
        Path link = Files.createSymbolicLink(dir.resolve("link"), fifo);

        assertRefused(hold(link), link, 4);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(fifo);
        assertThat(fileKey(fifo)).isEqualTo(inode);
        assertThat(CheckCommandTest.isFifo(fifo)).isTrue();
    }

    @Test
    void refusesADanglingSymlinkWithoutCreatingItsTarget() throws Exception {
        Path target = dir.resolve("target");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        assertRefused(hold(link), link, 4);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void refusesAMissingDirectoryWithoutCreatingIt() {
        Path missing = dir.resolve("missing");
        Path beacon = missing.resolve("b");

        Running.Result r = hold(beacon);
        assertRefused(r, beacon, 4);
        assertThat(r.stderr()).contains("ENOENT");
        assertThat(Files.exists(missing, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void refusesAnotherUsersFifoAndLeavesIt() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a FIFO away");
        Path fifo = dir.resolve("fifo");
        Beacon.open(fifo, BeaconOption.KEEP_ON_CLOSE).close();
        UserPrincipal nobody = fifo.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(fifo, nobody);

        assertRefused(hold(fifo), fifo, 4);
        assertThat(Files.getOwner(fifo, LinkOption.NOFOLLOW_LINKS)).isEqualTo(nobody);
        assertThat(CheckCommandTest.isFifo(fifo)).isTrue();
    }

    @Test
    void heartbeatTurnsHungWhileTheHolderIsStoppedAndAliveOnceItRunsAgain() {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString(), "--heartbeat", "1s")) {
            long pid = holder.process().pid();
            try {
                Cli.signal("STOP", pid);
                Running.Result hung = Cli.poll("hung", () -> Cli.run("check", beacon.toString()),
                        r -> r.exitCode() != 0, Duration.ofSeconds(30));
                assertThat(hung.exitCode()).as(hung.toString()).isEqualTo(150);
                assertThat(hung.stdout()).matches(Pattern.quote(beacon.toString())
                        + ": hung \\(last beat \\d+\\.\\d s ago, deadline passed \\d+\\.\\d s ago\\)\n");
            } finally {
                Cli.signal("CONT", pid);
            }
            Running.Result alive = Cli.poll("alive again", () -> Cli.run("check", beacon.toString()),
                    r -> r.exitCode() != 150, Duration.ofSeconds(30));
            assertThat(alive.exitCode()).as(alive.toString()).isEqualTo(0);
            assertThat(holder.terminate()).isEqualTo(0);
            assertThat(holder.stderr()).isEmpty();
        }
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).as("FIFO removed").isFalse();
    }

    @Test
    void heartbeatMakesItsFirstPromiseBeforeTheLine() {
        Path beacon = dir.resolve("b");
        // An hour: no scheduled beat can be what the check sees, only the first one.
        try (Running holder = Cli.hold(beacon.toString(), "--heartbeat", "1h")) {
            Running.Result r = Cli.run("check", "--json", beacon.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            Matcher m = Pattern.compile("\\{\"path\":\"" + Pattern.quote(beacon.toString())
                    + "\",\"status\":\"alive\",\"last_beat\":\"([^\"]+)\",\"deadline\":\"([^\"]+)\"}\n")
                    .matcher(r.stdout());
            assertThat(m.matches()).as(r.stdout()).isTrue();
            assertThat(Duration.between(Instant.parse(m.group(1)), Instant.parse(m.group(2)))).isEqualTo(Duration.ofHours(1));
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        for (String[] args : new String[][] {
                {"hold"},
                {"hold", "/x", "--mode", "0999"},
                {"hold", "/x", "--mode", "rw-------"},
                {"hold", "/x", "--mode", "4755"},
                {"hold", "/x", "--mode", "0400"},
                {"hold", "/x", "--mode", "0220"},
                {"hold", "/x", "--for", "soon"},
                {"hold", "/x", "--for", "0s"},
                {"hold", "/x", "--for", "-PT5S"},
                {"hold", "/x", "--frobnicate"},
                {"hold", "/x", "--heartbeat", "2ms"},
                {"hold", "/x", "--heartbeat", "0s"},
                {"hold", "/x", "--heartbeat", "1001d"},
                {"hold", "/x", "--heartbeat"},
        }) {
            Running.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
            assertThat(r.stdout()).as(String.join(" ", args)).isEmpty();
            assertThat(r.stderr()).as(String.join(" ", args)).contains("Try 'lifeline hold --help'");
        }
        assertThat(Files.exists(Path.of("/x"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void helpListsTheExitCodes() {
        Running.Result r = Cli.run("hold", "--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("Exit codes:")
                .containsPattern("(?m)^\\s+0\\s+held")
                .containsPattern("(?m)^\\s+1\\s+refused: another process")
                .containsPattern("(?m)^\\s+2\\s+usage error")
                .containsPattern("(?m)^\\s+4\\s+refused or failed");
    }

    // -- Argument parsing, in process --

    @Test
    void durationsInUnitsAndIso8601() {
        assertThat(Converters.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Converters.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Converters.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Converters.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Converters.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Converters.parseDuration("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Converters.parseDuration("pt0.25s")).isEqualTo(Duration.ofMillis(250));
        for (String bad : List.of("", "5", "s", "5 s", "1.5s", "5sec", "-5s", "0ms", "PT0S", "PT-1S", "P",
                "99999999999999999999s", "999999999999999999d")) {
            assertThatThrownBy(() -> Converters.parseDuration(bad)).as(bad).isInstanceOf(TypeConversionException.class);
        }
    }

    @Test
    void heartbeatsFromThreeMillisecondsToAThousandDays() {
        assertThat(Converters.parseHeartbeat("3ms")).isEqualTo(Duration.ofMillis(3));
        assertThat(Converters.parseHeartbeat("1000d")).isEqualTo(Duration.ofDays(1000));
        for (String bad : List.of("2ms", "PT0.002S", "1001d", "0s", "soon")) {
            assertThatThrownBy(() -> Converters.parseHeartbeat(bad)).as(bad).isInstanceOf(TypeConversionException.class);
        }
    }

    @Test
    void modesAreOctalPermissionBits() {
        assertThat(Converters.parseMode("0600")).isEqualTo(0600);
        assertThat(Converters.parseMode("640")).isEqualTo(0640);
        assertThat(Converters.parseMode("777")).isEqualTo(0777);
        assertThat(PosixFilePermissions.toString(Converters.permissions(0751))).isEqualTo("rwxr-x--x");
        assertThat(PosixFilePermissions.toString(Converters.permissions(0640))).isEqualTo("rw-r-----");
        for (String bad : List.of("", "8", "0999", "1777", "04600", "00600", "rw", "0x600", "-600",
                "0", "0400", "0200", "0477")) {
            assertThatThrownBy(() -> Converters.parseMode(bad)).as(bad).isInstanceOf(TypeConversionException.class);
        }
    }

    // -- Support --

    private static Running.Result hold(Path path) {
        return Cli.run("hold", path.toString());
    }

    private static void assertRefused(Running.Result r, Path path, int exitCode) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(exitCode);
        assertThat(r.stdout()).as("nothing held, nothing said on stdout").isEmpty();
        assertThat(r.stderr()).startsWith("lifeline: unable to hold " + path + ": ").endsWith("\n");
        assertThat(r.stderr().lines()).hasSize(1);
    }

    /** The CLI in a child JVM started under {@code umask}: Java cannot set a umask itself. */
    private static List<String> underUmask(String umask, String... args) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
        command.addAll(Cli.java(args));
        return command;
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(
                Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions());
    }

    private static Object fileKey(Path path) throws Exception {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
