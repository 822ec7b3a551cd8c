package dev.lifeline.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball the dist build wrote, unpacked into a fresh directory and run on a machine whose only
 * {@code java} on the PATH is a stub that fails, with JAVA_HOME naming nothing: it must run on the
 * runtime it brings, with the start-up cache trained on that runtime.
 */
class TarballIT {
    @TempDir
    Path dir;

    Path home;
    Path marker;
    Map<String, String> env;

    @BeforeEach
    void unpack() throws Exception {
        Path tarball = Proc.DIST.resolve("lifeline-" + Proc.VERSION + "-linux-x86_64.tar.gz");
        assertThat(tarball).as("the dist build's tarball").isRegularFile();
        Path where = Files.createDirectories(dir.resolve("some where/else"));
        Proc.ok("tar", "-xzf", tarball.toString(), "-C", where.toString());
        home = where.resolve("lifeline-" + Proc.VERSION);
        marker = Proc.failingJava(dir);
        env = Proc.noJavaEnv(dir);
    }

    private List<String> lifeline(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/lifeline").toString()));
        command.addAll(Arrays.asList(args));
        return command;
    }

    @Test
    void checksALiveAndAStaleBeaconOnItsOwnRuntime() throws Exception {
        Path live = dir.resolve("live.beacon");
        Path stale = dir.resolve("stale.beacon");
        Proc.ok("mkfifo", stale.toString());
        // The live beacon is held by the tarball's own lifeline, a real process.
        Process holder = Proc.startAndReadLine(lifeline("hold", live.toString()), env, "holding").process();
        try {
            Running.Result alive = Proc.run(lifeline("check", live.toString()), env);
            assertThat(alive.exitCode()).as(alive.toString()).isZero();
            assertThat(alive.stdout()).contains("alive");
            Running.Result dead = Proc.run(lifeline("check", stale.toString()), env);
            assertThat(dead.exitCode()).as(dead.toString()).isEqualTo(1);
            assertThat(dead.stdout()).contains("dead");
            // kill -9 of the holder: its beacon is stale at once.
            Proc.kill(holder);
            Running.Result killed = Proc.run(lifeline("check", "--json", live.toString()), env);
            assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(1);
            assertThat(killed.stdout()).contains("\"status\":\"dead\"");
        } finally {
            Proc.kill(holder);
        }
        assertThat(marker).as("the machine's java (a stub) was never run").doesNotExist();
    }

    /** The installed command, like the source tree's, never lets a JVM that fails pass for an answer. */
    @Test
    void aJvmThatCannotStartIsUnknownNeverDead() throws Exception {
        Path live = dir.resolve("live.beacon");
        Process holder = Proc.startAndReadLine(lifeline("hold", live.toString()), env, "holding").process();
        try {
            Map<String, String> broken = new java.util.HashMap<>(env);
            broken.put("JAVA_TOOL_OPTIONS", "-XX:+NoSuchOptionAtAll");
            for (String command : List.of("check", "status")) {
                Running.Result r = Proc.run(lifeline(command, live.toString()), broken);
                assertThat(r.exitCode()).as(command + ": " + r).isEqualTo(4);
                assertThat(r.stderr()).as(command).contains("lifeline: the JVM failed before it answered");
            }
        } finally {
            Proc.kill(holder);
        }
    }

    /**
     * check, status and wait as the launcher runs them (issue 17): the check's calls through the
     * JDK's own natives, no FFM downcall linked, every lifeline class from its own start-up cache. If
     * the runtime the build pins changed the natives' shape, the command would fall back to FFM and
     * this would fail.
     */
    @Test
    void checksThroughTheJdksOwnNativesFromTheStartUpCache() throws Exception {
        Path beacons = Files.createDirectories(dir.resolve("beacons"));
        Path stale = beacons.resolve("stale");
        Proc.ok("mkfifo", stale.toString());
        for (List<String> command : List.of(List.of("check", stale.toString()), List.of("wait", "--dead", stale.toString()),
                List.of("status", beacons.toString()))) {
            Path log = dir.resolve("classes-" + command.get(0) + ".log");
            Map<String, String> logged = new java.util.HashMap<>(env);
            logged.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log);
            Running.Result r = Proc.run(lifeline(command.toArray(String[]::new)), logged);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(command.get(0).equals("wait") ? 0 : 1);
            List<String> loaded = Files.readAllLines(log);
            assertThat(loaded).as(command + ": the JDK's natives, from the cache")
                    .anyMatch(line -> line.contains(" dev.lifeline.internal.linux.jdk.JdkCalls source: shared objects file"))
                    .noneMatch(line -> line.contains("jdk.internal.foreign.abi.DowncallStub"))
                    .noneMatch(line -> line.contains(" dev.lifeline.") && !line.contains("source: shared objects file"));
            // Each its own cache (the JVM loads every class of its cache): none holds another's command.
            for (String other : List.of("Check", "Status", "Wait")) {
                if (!other.toLowerCase(java.util.Locale.ROOT).equals(command.get(0))) {
                    assertThat(loaded).as(command + ": nothing of " + other + "Command")
                            .noneMatch(line -> line.contains(" dev.lifeline.cli." + other + "Command "));
                }
            }
        }
    }

    /**
     * bin/lifeline is POSIX sh, and dash starts the JVM it waits for with SIGINT and SIGQUIT ignored
     * (whatever `trap -` says): a SIGINT to the command (a Ctrl-C) must still end that JVM, and the
     * command exits 130, as SIGTERM gives 143 and SIGHUP 129. Started through env(1) with SIGINT
     * and SIGQUIT at their defaults, as from a terminal, whatever this test's own JVM ignores.
     */
    @Test
    void aSignalToTheCommandEndsTheJvmThatWaitsAndExitsAsDocumented() throws Exception {
        Path beacon = dir.resolve("waited");
        Running holder = Proc.startAndReadLine(lifeline("hold", beacon.toString()), env, "holding");
        try {
            for (var signal : Map.of("INT", 130, "TERM", 143, "HUP", 129).entrySet()) {
                List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/env", "--default-signal=INT,QUIT"));
                command.addAll(lifeline("wait", "--dead", beacon.toString()));
                Process waiting = Proc.builder(command, env).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                long deadline = System.nanoTime() + Proc.TIMEOUT.toNanos();
                java.util.Optional<ProcessHandle> jvm = java.util.Optional.empty();
                while (jvm.isEmpty() && System.nanoTime() < deadline) {
                    jvm = waiting.toHandle().children().filter(c -> c.info().command().orElse("").endsWith("/java")).findFirst();
                    Thread.onSpinWait();
                }
                assertThat(jvm).as("the JVM that waits, started by the command").isPresent();
                Proc.ok("kill", "-" + signal.getKey(), Long.toString(waiting.pid()));
                assertThat(waiting.waitFor(Proc.TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(waiting.exitValue()).as("SIG" + signal.getKey()).isEqualTo(signal.getValue());
                jvm.get().onExit().get(Proc.TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                assertThat(jvm.get().isAlive()).as("the JVM ended with the command, SIG" + signal.getKey()).isFalse();
            }
        } finally {
            Proc.kill(holder.process());
        }
    }

    /** Started by a relative path, or through a directory link named bin: its home is still found. */
    @Test
    void findsItsHomeFromARelativePathAndThroughALinkedBinDirectory() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.createSymbolicLink(other.resolve("bin"), home.resolve("bin"));
        for (List<String> command : List.of(List.of("sh", "-c", "cd \"$1\" && exec ./bin/lifeline --version", "sh", home.toString()),
                List.of(other.resolve("bin/lifeline").toString(), "--version"))) {
            Running.Result version = Proc.run(command, env);
            assertThat(version.exitCode()).as(version.toString()).isZero();
            assertThat(version.stdout()).startsWith("lifeline " + Proc.VERSION);
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void runsThroughASymbolicLinkFromAnotherDirectory() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("lifeline"), home.resolve("bin/lifeline"));
        Path chained = Files.createSymbolicLink(dir.resolve("lifeline-again"), link);
        Running.Result version = Proc.run(List.of(chained.toString(), "--version"), env);
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.stdout()).startsWith("lifeline " + Proc.VERSION);
        assertThat(marker).doesNotExist();
    }

    @Test
    void theRuntimeHoldsOnlyTheModulesTheCommandUses() throws Exception {
        String modules = Proc.ok(home.resolve("runtime/bin/java").toString(), "--list-modules");
        List<String> names = modules.lines().map(l -> l.replaceAll("@.*", "")).sorted().toList();
        // What jdeps finds in the jars today; a new dependency that needs more shows up here.
        assertThat(names).containsExactly("java.base", "java.logging", "jdk.httpserver", "jdk.unsupported");
        assertThat(home.resolve("runtime/bin")).isDirectoryContaining(p -> p.getFileName().toString().equals("java"));
        try (var files = Files.list(home.resolve("runtime/bin"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("java");
        }
        for (String command : List.of("check", "status", "wait")) {
            assertThat(home.resolve("app/lifeline-" + command + ".aot")).isNotEmptyFile();
        }
    }

    @Test
    void servesFromItsOwnRuntime() throws Exception {
        // lifeline serve needs jdk.httpserver: the jlinked runtime must have kept it.
        Path beacons = Files.createDirectories(dir.resolve("beacons"));
        Proc.ok("mkfifo", beacons.resolve("worker").toString());
        Running serve = Proc.startAndReadLine(lifeline("serve", "--listen", "127.0.0.1:0", beacons.toString()), env,
                "serving http://");
        try {
            // The first line names the address, with the port the kernel chose.
            Matcher url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)").matcher(serve.line());
            assertThat(url.find()).as(serve.line()).isTrue();
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "metrics"))
                        .timeout(Proc.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("lifeline_beacons");
            }
        } finally {
            Proc.kill(serve.process());
        }
    }

    @Test
    void shipsTheManualPageAndTheBashCompletion() throws Exception {
        Path man = home.resolve("share/man/man1/lifeline.1");
        assertThat(Files.readString(man)).contains(".TH").contains("check");
        // man reads it as a manual page (MANPAGER=cat, no terminal).
        Running.Result page = Proc.run(List.of("man", "-l", man.toString()), Map.of("PATH", "/usr/bin:/bin", "MANPAGER", "cat",
                "PAGER", "cat", "MANWIDTH", "100", "LANG", "C.UTF-8", "HOME", dir.toString()));
        assertThat(page.exitCode()).as(page.toString()).isZero();
        assertThat(page.stdout()).contains("lifeline").contains("check");
        Path completion = home.resolve("share/bash-completion/completions/lifeline");
        assertThat(Files.readString(completion)).doesNotStartWith("#!");
        Running.Result complete = Proc.run(List.of("bash", "-c", "source '" + completion + "' && complete -p lifeline"));
        assertThat(complete.exitCode()).as(complete.toString()).isZero();
        assertThat(complete.stdout()).contains("lifeline");
    }
}
