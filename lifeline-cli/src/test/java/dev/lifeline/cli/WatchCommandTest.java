package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchCommandTest {
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    private static final Duration PROMPTLY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void printsTheFirstReportThenEachTransitionOfAPath() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString());
                Running watch = Cli.background(PROMPTLY, "watch", beacon.toString())) {
            assertThat(watch.nextLine()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " alive");
            holder.kill();
            assertThat(watch.nextLine()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " alive -> dead");
            watch.signal("TERM");
            Running.Result end = watch.end(PROMPTLY);
            assertThat(end.exitCode()).as(end.toString()).isEqualTo(0);
            assertThat(end.stdout()).isEmpty();
            assertThat(end.stderr()).isEmpty();
        }
    }

    @Test
    void aDirectoryMeansItsBeaconsNowAndTheOnesThatAppearLater() throws Exception {
        Path old = dir.resolve("old");
        Path young = dir.resolve("young");
        try (Running first = Cli.hold(old.toString());
                Running watch = Cli.background(PROMPTLY, "watch", "--json", dir.toString())) {
            assertThat(watch.nextLine()).matches("\\{\"time\":\"[^\"]+\",\"path\":\"" + Pattern.quote(old.toString())
                    + "\",\"status\":\"alive\"}");
            try (Running second = Cli.hold(young.toString())) {
                assertThat(watch.nextLine()).matches("\\{\"time\":\"[^\"]+\",\"path\":\"" + Pattern.quote(young.toString())
                        + "\",\"status\":\"alive\"}");
                assertThat(second.terminate()).isEqualTo(0);
                assertThat(watch.nextLine()).matches("\\{\"time\":\"[^\"]+\",\"path\":\"" + Pattern.quote(young.toString())
                        + "\",\"previous\":\"alive\",\"status\":\"absent\"}");
            }
            watch.signal("INT");
            Running.Result end = watch.end(PROMPTLY);
            assertThat(end.exitCode()).as(end.toString()).isEqualTo(0);
        }
    }

    @Test
    void aDirectoryWrittenWithASlashIsFollowedOnceItAppears() throws Exception {
        Path later = dir.resolve("later").resolve("beacons");
        Path beacon = later.resolve("b");
        try (Running watch = Cli.background(PROMPTLY, "watch", later + "/")) {
            // Said once its nearest existing ancestor is watched; then both levels are made.
            assertThat(watch.awaitStderrLine(l -> true, PROMPTLY)).isEqualTo("lifeline: " + later
                    + " does not exist yet; its beacons are reported once it appears");
            Files.createDirectories(later);
            try (Running holder = Cli.hold(beacon.toString())) {
                assertThat(watch.nextLine()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " alive");
            }
            assertThat(watch.nextLine()).as("the holder was killed")
                    .matches(TIME + " " + Pattern.quote(beacon.toString()) + " alive -> dead");
            watch.signal("TERM");
            Running.Result end = watch.end(PROMPTLY);
            assertThat(end.exitCode()).as(end.toString()).isEqualTo(0);
            assertThat(end.stderr()).as("nothing more").isEqualTo("lifeline: " + later
                    + " does not exist yet; its beacons are reported once it appears\n");
        }
    }

    @Test
    void anEmptyDirectoryIsSaidOnStderr() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Running.Result r = Cli.run("watch", "--timeout", "300ms", empty.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("lifeline: no beacons in " + empty + " yet\n");
    }

    @Test
    void countEndsItAfterNLinesAndLeavesNoDescriptorOpenOnTheBeacons() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString())) {
            Running.Result r = Cli.run("watch", "--count", "1", beacon.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " alive\n");
        }
    }

    @Test
    void timeoutEndsItWith0OrWith1WhenCountWasNotReached() {
        Path beacon = dir.resolve("never");
        Running.Result plain = Cli.run("watch", "--timeout", "300ms", beacon.toString());
        assertThat(plain.exitCode()).as(plain.toString()).isEqualTo(0);
        assertThat(plain.stdout()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " absent\n");

        Running.Result shortOf = Cli.run("watch", "--timeout", "300ms", "--count", "2", beacon.toString());
        assertThat(shortOf.exitCode()).as(shortOf.toString()).isEqualTo(1);
        assertThat(shortOf.stdout()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " absent\n");
    }

    @Test
    void sigintEndsItPromptlyHavingHeldTheBeaconsWriteEndUntilThen() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.hold(beacon.toString());
                Running watch = Cli.background(PROMPTLY, "watch", beacon.toString())) {
            watch.nextLine();
            String fifo = beacon.toRealPath().toString();
            assertThat(Cli.descriptors(watch.pid())).as("the watcher holds the write end").contains(fifo);
            watch.signal("INT");
            Running.Result end = watch.end(PROMPTLY);
            assertThat(end.exitCode()).as(end.toString()).isEqualTo(0);
            assertThat(holder.process().isAlive()).as("the holder is not disturbed").isTrue();
        }
    }

    @Test
    void usageErrorsExitTwo() {
        for (String[] args : new String[][] {{"watch"}, {"watch", "--count", "0", "/x"}, {"watch", "--timeout", "soon", "/x"}}) {
            Running.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
            assertThat(r.stderr()).contains("Try 'lifeline watch --help'");
        }
    }

    @Test
    void helpListsEveryExitCode() {
        Running.Result r = Cli.run("watch", "--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("Exit codes:")
                .containsPattern("(?m)^\\s+0\\s+ended")
                .containsPattern("(?m)^\\s+1\\s+--timeout")
                .containsPattern("(?m)^\\s+2\\s+usage error")
                .containsPattern("(?m)^\\s+4\\s+could not watch");
    }
}
