package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Beacon;
import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.testkit.Running;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
    @TempDir
    Path dir;

    @Test
    void aliveWhileAnotherProcessHoldsTheBeacon() {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            Running.Result r = Cli.run("check", beacon.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).isEqualTo(beacon + ": alive\n");
            assertThat(r.stderr()).isEmpty();

            Running.Result json = Cli.run("check", "--json", beacon.toString());
            assertThat(json.exitCode()).as(json.toString()).isEqualTo(0);
            assertThat(json.stdout()).isEqualTo("{\"path\":\"" + beacon + "\",\"status\":\"alive\"}\n");
        }
    }

    @Test
    void aliveWithAHeartbeatShowsItsAgeAndWhenTheNextIsDue() {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString(), "--heartbeat", "1h")) {
            Running.Result r = Cli.run("check", beacon.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).matches(Pattern.quote(beacon.toString())
                    + ": alive \\(last beat \\d+\\.\\d s ago, next due in \\d+\\.\\d s\\)\n");
            assertThat(r.stderr()).isEmpty();

            Running.Result json = Cli.run("check", "--json", beacon.toString());
            assertThat(json.exitCode()).as(json.toString()).isEqualTo(0);
            assertThat(json.stdout()).matches("\\{\"path\":\"" + Pattern.quote(beacon.toString())
                    + "\",\"status\":\"alive\",\"last_beat\":\"" + ISO_UTC + "\",\"deadline\":\"" + ISO_UTC + "\"}\n");
        }
    }

    @Test
    void humanLineGivesAgesInTenthsOfSecondsWhateverTheVerdict() throws Exception {
        Path path = dir.resolve("b");
        try (Beacon beacon = Beacon.open(path)) {
            beacon.beat(Duration.ofMillis(2000));
            Status alive = Probe.of(path).check();
            assertThat(alive.state()).isEqualTo(Status.State.ALIVE);
            Instant beat = alive.lastBeat().orElseThrow();
            assertThat(Answers.human(alive, beat.plusMillis(400)))
                    .isEqualTo(path + ": alive (last beat 0.4 s ago, next due in 1.6 s)");
            // The verdict is the probe's; the words follow it even when "now" says otherwise.
            assertThat(Answers.human(alive, beat.plusMillis(2500)))
                    .isEqualTo(path + ": alive (last beat 2.5 s ago, next due in 0.0 s)");
            assertThat(Answers.human(alive, beat.minusMillis(300)))
                    .as("the clock went back since the beat")
                    .isEqualTo(path + ": alive (last beat 0.3 s in the future, next due in 2.3 s)");

            beacon.beat(Duration.ofMillis(1));
            Probe probe = Probe.of(path);
            Status hung = Cli.poll("hung", probe::check, s -> s.state() == Status.State.HUNG, Duration.ofSeconds(10));
            Instant hungBeat = hung.lastBeat().orElseThrow();
            assertThat(Answers.human(hung, hungBeat.plusMillis(12_301)))
                    .isEqualTo(path + ": hung (last beat 12.3 s ago, deadline passed 12.3 s ago)");
            assertThat(Answers.human(hung, hungBeat.plusMillis(12_250)))
                    .as("to the nearest tenth")
                    .isEqualTo(path + ": hung (last beat 12.3 s ago, deadline passed 12.2 s ago)");
            assertThat(hung.toJson()).isEqualTo("{\"path\":\"" + path + "\",\"status\":\"hung\",\"last_beat\":\""
                    + hungBeat + "\",\"deadline\":\"" + hungBeat.plusMillis(1) + "\"}");
        }
    }

    @Test
    void deadAfterKillWithoutCleanup() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            assertThat(holder.kill()).isEqualTo(137);
        }
        assertThat(isFifo(beacon)).as("the FIFO outlives a SIGKILL").isTrue();

        Running.Result r = Cli.run("check", beacon.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout()).isEqualTo(beacon + ": dead (the beacon is there and nobody holds it)\n");
        assertThat(r.stderr()).isEmpty();

        Running.Result json = Cli.run("check", beacon.toString(), "--json");
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(1);
        assertThat(json.stdout()).isEqualTo("{\"path\":\"" + beacon + "\",\"status\":\"dead\"}\n");
    }

    @Test
    void absentWhenNothingIsThere() {
        Path beacon = dir.resolve("never");
        Running.Result r = Cli.run("check", beacon.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo(beacon + ": absent (there is no beacon)\n");
        assertThat(r.stderr()).isEmpty();

        Running.Result json = Cli.run("check", "--json", beacon.toString());
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(3);
        assertThat(json.stdout()).isEqualTo("{\"path\":\"" + beacon + "\",\"status\":\"absent\"}\n");
    }

    @Test
    void unknownForARegularFileWhichStaysUntouched() throws Exception {
        Path file = dir.resolve("file");
        byte[] content = "not a beacon\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, content);
        // A time in the past: any write by the check would move it.
        FileTime mtime = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));
        Files.setLastModifiedTime(file, mtime);

        Running.Result r = Cli.run("check", file.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
        assertThat(r.stdout()).isEqualTo(file + ": unknown\n");
        assertThat(r.stderr()).isEqualTo("lifeline: unable to check " + file + ": is a regular file, not a FIFO\n");

        Running.Result json = Cli.run("check", "--json", file.toString());
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(4);
        assertThat(json.stdout()).isEqualTo("{\"path\":\"" + file
                + "\",\"status\":\"unknown\",\"fault\":\"not_a_fifo\",\"reason\":\"is a regular file, not a FIFO\"}\n");

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);
    }

    @Test
    void unknownCarriesTheErrnoWhenASystemCallFailed() throws Exception {
        Path file = dir.resolve("file");
        Files.writeString(file, "x");
        Path beacon = file.resolve("b"); // a regular file where a directory should be: ENOTDIR

        Running.Result r = Cli.run("check", beacon.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
        assertThat(r.stderr()).startsWith("lifeline: unable to check " + beacon + ": ").endsWith(" (ENOTDIR)\n");

        Running.Result json = Cli.run("check", "--json", beacon.toString());
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(4);
        assertThat(json.stdout()).startsWith("{\"path\":\"" + beacon
                + "\",\"status\":\"unknown\",\"fault\":\"not_a_directory\",\"errno\":\"ENOTDIR\",\"reason\":\"");
    }

    @Test
    void quietPrintsNothingOnStdoutAndKeepsTheExitCode() throws Exception {
        Path beacon = dir.resolve("b");
        Running.Result absent = Cli.run("check", "--quiet", beacon.toString());
        assertThat(absent.exitCode()).as(absent.toString()).isEqualTo(3);
        assertThat(absent.stdout()).isEmpty();
        assertThat(absent.stderr()).isEmpty();

        try (Running holder = Cli.hold(beacon.toString())) {
            Running.Result alive = Cli.run("check", "-q", beacon.toString());
            assertThat(alive.exitCode()).as(alive.toString()).isEqualTo(0);
            assertThat(alive.stdout()).isEmpty();
        }

        Path file = Files.writeString(dir.resolve("file"), "x");
        Running.Result unknown = Cli.run("check", "--quiet", file.toString());
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(4);
        assertThat(unknown.stdout()).isEmpty();
        assertThat(unknown.stderr()).as("diagnostics still go to stderr").startsWith("lifeline: unable to check ");
    }

    @Test
    void jsonEscapesThePath() {
        Path beacon = dir.resolve("a\"b\\c\td\u0001e");
        Running.Result r = Cli.run("check", "--json", beacon.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("{\"path\":\"" + dir + "/a\\\"b\\\\c\\td\\u0001e\",\"status\":\"absent\"}\n");
    }

    @Test
    void usageErrorsExitTwoWithUsageOnStderr() {
        for (String[] args : new String[][] {
                {"check"},
                {"check", "--frobnicate", "/x"},
                {"check", "--quiet", "--json", "/x"},
                {"check", ""},
                {"check", "/x", "/y"},
        }) {
            Running.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
            assertThat(r.stdout()).as(String.join(" ", args)).isEmpty();
            assertThat(r.stderr()).as(String.join(" ", args)).contains("Try 'lifeline check --help'");
        }
    }

    @Test
    void helpListsEveryExitCode() {
        Running.Result r = Cli.run("check", "--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout()).contains("Exit codes:")
                .containsPattern("(?m)^\\s+0\\s+alive")
                .containsPattern("(?m)^\\s+1\\s+dead")
                .containsPattern("(?m)^\\s+2\\s+usage error")
                .containsPattern("(?m)^\\s+3\\s+absent")
                .containsPattern("(?m)^\\s+4\\s+unknown")
                .containsPattern("(?m)^\\s+150\\s+hung");
    }

    @Test
    void jsonStringsEscapeQuotesBackslashesAndControls() {
        StringBuilder b = new StringBuilder();
        dev.lifeline.StatusJson.appendString(b, "q\" b\\ n\n r\r t\t nul\u0000 us\u001f é €");
        assertThat(b).hasToString("\"q\\\" b\\\\ n\\n r\\r t\\t nul\\u0000 us\\u001f é €\"");
    }

    /** {@code Instant.toString()} of a beat: UTC, milliseconds when there are any. */
    static final String ISO_UTC = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z";

    /**
     * check through picocli (help, and the forms FastCheck leaves to it) loads nothing of lifeline
     * serve or of the Prometheus client either: the command tree names ServeCommand, but only its
     * call() touches serve. Read from the JVM's own class-loading log.
     */
    @Test
    void checkThroughPicocliLoadsNoClassOfServeOrPrometheus() throws Exception {
        Path stale = dir.resolve("stale");
        Cli.run(List.of("mkfifo", stale.toString()), null, Map.of());
        Path log = dir.resolve("classes.log");
        Map<List<String>, Integer> exits = Map.of(
                List.of("check", "--help"), 0,
                List.of("check", "--", stale.toString()), 1,
                List.of("check", "--json", "--", stale.toString()), 1);
        for (Map.Entry<List<String>, Integer> e : exits.entrySet()) {
            List<String> command = new ArrayList<>(Cli.java(e.getKey().toArray(String[]::new)));
            command.add(3, "-Xlog:class+load=info:file=" + log);
            // A picocli property sends --help through picocli too (FastHelp answers the plain form).
            command.add(3, "-Dpicocli.ansi=false");
            Running.Result r = Cli.run(command, null, Map.of());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(e.getValue());
            List<String> loaded = Files.readAllLines(log);
            assertThat(loaded).as("classes loaded").anyMatch(line -> line.contains(" picocli.CommandLine "));
            assertThat(loaded).as(String.join(" ", e.getKey()) + ": classes of serve or Prometheus")
                    .noneMatch(line -> line.contains(" dev.lifeline.serve.") || line.contains(" io.prometheus."));
        }
    }

    static boolean isFifo(Path path) throws Exception {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
    }
}
