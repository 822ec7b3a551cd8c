package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        try (Cli.Holder holder = Cli.hold(beacon.toString());
                Watching watch = Watching.start("watch", beacon.toString())) {
            assertThat(watch.line()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " alive");
            holder.kill();
            assertThat(watch.line()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " alive -> dead");
            watch.signal("TERM");
            Cli.Result end = watch.end();
            assertThat(end.exitCode()).as(end.toString()).isEqualTo(0);
            assertThat(end.stdout()).isEmpty();
            assertThat(end.stderr()).isEmpty();
        }
    }

    @Test
    void aDirectoryMeansItsBeaconsNowAndTheOnesThatAppearLater() throws Exception {
        Path old = dir.resolve("old");
        Path young = dir.resolve("young");
        try (Cli.Holder first = Cli.hold(old.toString());
                Watching watch = Watching.start("watch", "--json", dir.toString())) {
            assertThat(watch.line()).matches("\\{\"time\":\"[^\"]+\",\"path\":\"" + Pattern.quote(old.toString())
                    + "\",\"status\":\"alive\"}");
            try (Cli.Holder second = Cli.hold(young.toString())) {
                assertThat(watch.line()).matches("\\{\"time\":\"[^\"]+\",\"path\":\"" + Pattern.quote(young.toString())
                        + "\",\"status\":\"alive\"}");
                assertThat(second.terminate()).isEqualTo(0);
                assertThat(watch.line()).matches("\\{\"time\":\"[^\"]+\",\"path\":\"" + Pattern.quote(young.toString())
                        + "\",\"previous\":\"alive\",\"status\":\"absent\"}");
            }
            watch.signal("INT");
            Cli.Result end = watch.end();
            assertThat(end.exitCode()).as(end.toString()).isEqualTo(0);
        }
    }

    @Test
    void aDirectoryWrittenWithASlashIsFollowedOnceItAppears() throws Exception {
        Path later = dir.resolve("later").resolve("beacons");
        Path beacon = later.resolve("b");
        try (Watching watch = Watching.start("watch", later + "/")) {
            // Said once its nearest existing ancestor is watched; then both levels are made.
            assertThat(watch.errorLine()).isEqualTo("lifeline: " + later
                    + " does not exist yet; its beacons are reported once it appears");
            Files.createDirectories(later);
            try (Cli.Holder holder = Cli.hold(beacon.toString())) {
                assertThat(watch.line()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " alive");
            }
            assertThat(watch.line()).as("the holder was killed")
                    .matches(TIME + " " + Pattern.quote(beacon.toString()) + " alive -> dead");
            watch.signal("TERM");
            Cli.Result end = watch.end();
            assertThat(end.exitCode()).as(end.toString()).isEqualTo(0);
            assertThat(end.stderr()).as("nothing more").isEqualTo("lifeline: " + later
                    + " does not exist yet; its beacons are reported once it appears\n");
        }
    }

    @Test
    void anEmptyDirectoryIsSaidOnStderr() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Cli.Result r = Cli.run("watch", "--timeout", "300ms", empty.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("lifeline: no beacons in " + empty + " yet\n");
    }

    @Test
    void countEndsItAfterNLinesAndLeavesNoDescriptorOpenOnTheBeacons() throws Exception {
        Path beacon = dir.resolve("b");
        try (Cli.Holder holder = Cli.hold(beacon.toString())) {
            Cli.Result r = Cli.run("watch", "--count", "1", beacon.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " alive\n");
        }
    }

    @Test
    void timeoutEndsItWith0OrWith1WhenCountWasNotReached() {
        Path beacon = dir.resolve("never");
        Cli.Result plain = Cli.run("watch", "--timeout", "300ms", beacon.toString());
        assertThat(plain.exitCode()).as(plain.toString()).isEqualTo(0);
        assertThat(plain.stdout()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " absent\n");

        Cli.Result shortOf = Cli.run("watch", "--timeout", "300ms", "--count", "2", beacon.toString());
        assertThat(shortOf.exitCode()).as(shortOf.toString()).isEqualTo(1);
        assertThat(shortOf.stdout()).matches(TIME + " " + Pattern.quote(beacon.toString()) + " absent\n");
    }

    @Test
    void sigintEndsItPromptlyHavingHeldTheBeaconsWriteEndUntilThen() throws Exception {
        Path beacon = dir.resolve("b");
        try (Cli.Holder holder = Cli.hold(beacon.toString());
                Watching watch = Watching.start("watch", beacon.toString())) {
            watch.line();
            String fifo = beacon.toRealPath().toString();
            assertThat(Cli.descriptors(watch.pid())).as("the watcher holds the write end").contains(fifo);
            watch.signal("INT");
            Cli.Result end = watch.end();
            assertThat(end.exitCode()).as(end.toString()).isEqualTo(0);
            assertThat(holder.process().isAlive()).as("the holder is not disturbed").isTrue();
        }
    }

    @Test
    void usageErrorsExitTwo() {
        for (String[] args : new String[][] {{"watch"}, {"watch", "--count", "0", "/x"}, {"watch", "--timeout", "soon", "/x"}}) {
            Cli.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
            assertThat(r.stderr()).contains("Try 'lifeline watch --help'");
        }
    }

    @Test
    void helpListsEveryExitCode() {
        Cli.Result r = Cli.run("watch", "--help");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("Exit codes:")
                .containsPattern("(?m)^\\s+0\\s+ended")
                .containsPattern("(?m)^\\s+1\\s+--timeout")
                .containsPattern("(?m)^\\s+2\\s+usage error")
                .containsPattern("(?m)^\\s+4\\s+could not watch");
    }

    /** A watch in the background whose lines are read one by one, each within a bounded time. */
    private static final class Watching implements AutoCloseable {
        private final Process process;
        private final BufferedReader stdout;
        private final StringBuffer stderr = new StringBuffer();
        private final java.util.concurrent.LinkedBlockingQueue<String> errors = new java.util.concurrent.LinkedBlockingQueue<>();
        private final Thread stderrReader;

        private Watching(Process process) {
            this.process = process;
            this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
            this.stderrReader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (String l; (l = err.readLine()) != null; ) {
                        stderr.append(l).append('\n');
                        errors.add(l);
                    }
                } catch (IOException closed) {
                    // the process is gone
                }
            });
        }

        /** The next line on stderr, within a bounded time. */
        String errorLine() throws InterruptedException {
            String line = errors.poll(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
            assertThat(line).as("a line from watch on stderr").isNotNull();
            return line;
        }

        static Watching start(String... args) {
            return new Watching(Cli.start(Cli.java(args), null, Map.of()));
        }

        long pid() {
            return process.pid();
        }

        String line() throws Exception {
            java.util.concurrent.FutureTask<String> read = new java.util.concurrent.FutureTask<>(stdout::readLine);
            Thread.ofPlatform().daemon().start(read);
            String line = read.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
            assertThat(line).as("a line from watch").isNotNull();
            return line;
        }

        void signal(String signal) {
            Cli.signal(signal, process.pid());
        }

        Cli.Result end() throws InterruptedException {
            if (!process.waitFor(PROMPTLY.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("watch still running " + PROMPTLY + " after its end");
            }
            StringBuilder rest = new StringBuilder();
            try {
                for (String l; (l = stdout.readLine()) != null; ) {
                    rest.append(l).append('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stderrReader.join(PROMPTLY.toMillis());
            return new Cli.Result(process.exitValue(), rest.toString(), stderr.toString());
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

}
