package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.RawBytes;
import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./lifeline} launcher at the repository root. It runs in integration-test, after
 * {@code package}, so the jar is fresh and the launcher must not build: a build message on stderr
 * would mean its staleness check is wrong.
 */
class LauncherIT {
    /** Failsafe runs in the module directory, lifeline-cli/; the launcher is one level up. */
    private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("lifeline");

    /** The start-up cache is tested on its own, on a copy of the tree; elsewhere it stays out of the way. */
    private static final Map<String, String> NO_AOT = Map.of("LIFELINE_AOT", "0");

    @TempDir
    Path dir;

    /**
     * The JDK's AOT cache: made once, on first use, saying so; mapped by the JVM afterwards; and
     * made anew, the old one deleted, when the jar changes, so a stale cache is never used.
     */
    @Test
    void startUpCacheIsMadeOnceUsedAndReplacedWhenTheJarChanges() throws Exception {
        Path tree = copyOfTheBuiltTree();
        Path launcher = tree.resolve("lifeline");
        Path aot = tree.resolve("lifeline-cli/target/aot");
        Path beacon = dir.resolve("b");

        Running.Result first = Cli.run(List.of(launcher.toString(), "check", beacon.toString()), dir, Map.of());
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(3);
        assertThat(first.stderr()).isEqualTo("lifeline: preparing the start-up cache (first use)...\n");
        List<Path> caches = list(aot);
        assertThat(caches).hasSize(1);

        Running.Result second = Cli.run(List.of(launcher.toString(), "check", beacon.toString()), dir, Map.of());
        assertThat(second.exitCode()).isEqualTo(3);
        assertThat(second.stderr()).isEmpty();
        assertThat(list(aot)).isEqualTo(caches);
        try (Running holder = Cli.holder(List.of(launcher.toString(), "hold", beacon.toString()))) {
            assertThat(holder.line()).startsWith("holding ");
            String maps = Files.readString(Path.of("/proc", String.valueOf(holder.process().pid()), "maps"));
            assertThat(maps).as("the JVM maps the cache").contains(caches.get(0).toString());
            assertThat(holder.terminate()).isZero();
        }

        // A different jar (one more entry): a new cache under a new name, and the old one gone.
        Path jar;
        try (var jars = Files.list(tree.resolve("lifeline-cli/target"))) {
            jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        // Stored, not deflated: the marker's bytes stand in the jar as they are, to be changed below.
        try (var zip = java.nio.file.FileSystems.newFileSystem(jar, Map.of("noCompression", "true"))) {
            Files.writeString(zip.getPath("changed.txt"), "lifeline-launcher-test-AAAA");
        }
        Running.Result third = Cli.run(List.of(launcher.toString(), "check", beacon.toString()), dir, Map.of());
        assertThat(third.exitCode()).isEqualTo(3);
        assertThat(third.stderr()).isEqualTo("lifeline: preparing the start-up cache (first use)...\n");
        List<Path> now = list(aot);
        assertThat(now).hasSize(1).doesNotContainAnyElementsOf(caches);

        // The same jar changed in place, keeping its size, inode and modification time: only the
        // change time, which nothing can set back, tells it from the jar the index remembers.
        var modified = Files.getLastModifiedTime(jar);
        byte[] bytes = Files.readAllBytes(jar);
        byte[] marker = "lifeline-launcher-test-AAAA".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int at = RawBytes.indexOf(bytes, marker);
        assertThat(at).as("the stored marker in the jar").isNotNegative();
        try (var channel = java.nio.channels.FileChannel.open(jar, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap("BBBB".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    at + marker.length - 4);
        }
        Files.setLastModifiedTime(jar, modified);
        assertThat(Files.size(jar)).isEqualTo(bytes.length);
        Running.Result fourth = Cli.run(List.of(launcher.toString(), "check", beacon.toString()), dir, Map.of());
        assertThat(fourth.exitCode()).isEqualTo(3);
        assertThat(fourth.stderr()).isEqualTo("lifeline: preparing the start-up cache (first use)...\n");
        assertThat(list(aot)).hasSize(1).doesNotContainAnyElementsOf(now);
    }

    /**
     * Once the cache is made, check, status and wait start no process but the JVM: ./lifeline
     * answers on source-tree.bash's word (the fast path), with the shell's own tests, and the
     * index's fingerprint is compared in the JVM (StartupCache). Every program the launcher could
     * start is a stub on the PATH that records its call, then runs the real one; source-tree.bash,
     * which ./lifeline runs by its path, is replaced by one that records its call and fails.
     */
    @Test
    void answeringCommandsStartNoProcessButTheJvmOnceTheCacheIsMade() throws Exception {
        Path tree = copyOfTheBuiltTree();
        Path launcher = tree.resolve("lifeline");
        Path beacon = deadBeacon();
        // A dead beacon: check and status answer 1, wait --dead 0.
        Map<List<String>, Integer> answers = Map.of(List.of("check", beacon.toString()), 1,
                List.of("status", beacon.getParent().toString()), 1, List.of("wait", "--dead", beacon.toString()), 0);
        for (List<String> command : answers.keySet()) {
            List<String> all = new ArrayList<>(List.of(launcher.toString()));
            all.addAll(command);
            Running.Result first = Cli.run(all, dir, Map.of());
            assertThat(first.stderr()).as(first.toString()).isEqualTo("lifeline: preparing the start-up cache (first use)...\n");
        }
        try (var caches = Files.list(tree.resolve("lifeline-cli/target/aot"))) {
            assertThat(caches.map(p -> p.getFileName().toString().replaceFirst("^lifeline-[0-9a-f]{20}-", "")))
                    .as("a cache each").containsExactlyInAnyOrder("check.aot", "status.aot", "wait.aot", "fingerprints",
                            "fast-path");
        }

        Path bin = Files.createDirectories(dir.resolve("stubs"));
        Path calls = dir.resolve("calls");
        List<String> programs = List.of("stat", "find", "readlink", "sha256sum", "cat", "cut", "mktemp", "dirname",
                "mkfifo", "mv", "rm", "mkdir", "sed", "mvn", "flock");
        for (String program : programs) {
            Path real = Path.of("/usr/bin", program);
            Path stub = Files.writeString(bin.resolve(program), "#!/bin/sh\necho " + program + " >> '" + calls + "'\n"
                    + (Files.isExecutable(real) ? "exec " + real + " \"$@\"\n" : "exit 127\n"));
            assertThat(stub.toFile().setExecutable(true)).isTrue();
        }
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));
        recordingSourceTreeScript(tree, calls);
        for (var answer : answers.entrySet()) {
            List<String> all = new ArrayList<>(List.of(launcher.toString()));
            all.addAll(answer.getKey());
            Running.Result r = Cli.run(all, dir, env);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(answer.getValue());
            assertThat(r.stderr()).as(r.toString()).isEmpty();
        }
        assertThat(Files.exists(calls) ? Files.readAllLines(calls) : List.of()).as("programs started").isEmpty();
    }

    /**
     * A release build (-Prelease) leaves the sources and Javadoc jars beside the CLI's, newer than
     * it: the launcher runs the CLI's jar, never one of those.
     */
    @Test
    void sourcesAndJavadocJarsBesideTheCliAreNotRunEvenWhenNewer() throws Exception {
        Path tree = copyOfTheBuiltTree();
        Path target = tree.resolve("lifeline-cli/target");
        Path cli;
        try (var jars = Files.list(target)) {
            cli = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        String base = cli.getFileName().toString().replaceFirst("\\.jar$", "");
        for (String classifier : List.of("-sources.jar", "-javadoc.jar")) {
            Path other = target.resolve(base + classifier);
            try (var zip = java.nio.file.FileSystems.newFileSystem(other, Map.of("create", "true"))) {
                Files.writeString(zip.getPath("index.html"), "<html></html>");
            }
            Files.setLastModifiedTime(other, java.nio.file.attribute.FileTime.from(
                    Files.getLastModifiedTime(cli).toInstant().plusSeconds(60)));
        }

        Running.Result result = Cli.run(List.of(tree.resolve("lifeline").toString(), "check", dir.resolve("b").toString()),
                dir, NO_AOT);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    }

    /**
     * The launcher builds again when a pom or a main source changes in the parent, in the CLI, or
     * in any module the CLI uses: each module whose jar Maven put in the CLI's lib/ (core, serve,
     * and whatever they bring). Not for the tests' sources, nor for modules the CLI does not use.
     * Tried on a copy of the built tree with a stand-in mvn that only records its call and
     * freshens the jar, as a real build would.
     */
    @Test
    void rebuildsWhenAnyModuleTheCliUsesChangesAndOnlyThen() throws Exception {
        Path tree = copyOfTheBuiltTree();
        Path source = LAUNCHER.getParent();
        Path jar;
        try (var jars = Files.list(tree.resolve("lifeline-cli/target"))) {
            jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        Set<String> used = new TreeSet<>(Set.of("lifeline-cli"));
        Set<String> unused = new TreeSet<>();
        List<String> lib;
        try (var jars = Files.list(source.resolve("lifeline-cli/target/lib"))) {
            lib = jars.map(p -> p.getFileName().toString()).toList();
        }
        try (var modules = Files.list(source)) {
            for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).toList()) {
                String name = module.getFileName().toString();
                if (name.equals("lifeline-cli") || lib.stream().anyMatch(j -> j.matches(Pattern.quote(name) + "-\\d.*\\.jar"))) {
                    used.add(name);
                } else {
                    unused.add(name);
                }
            }
        }
        assertThat(used).as("the modules the CLI uses").contains("lifeline-core", "lifeline-serve");
        assertThat(unused).as("modules the CLI does not use").contains("lifeline-agent", "lifeline-testkit");

        // Every pom and source older than the jar, as after a build.
        FileTime old = FileTime.from(Files.getLastModifiedTime(jar).toInstant().minusSeconds(600));
        List<Path> files = new ArrayList<>(List.of(Files.copy(source.resolve("pom.xml"), tree.resolve("pom.xml"))));
        for (String module : concat(used, unused)) {
            Path dir = Files.createDirectories(tree.resolve(module));
            files.add(Files.copy(source.resolve(module).resolve("pom.xml"), dir.resolve("pom.xml")));
            files.add(Files.writeString(Files.createDirectories(dir.resolve("src/main/java")).resolve("Main.java"), "class Main {}\n"));
            files.add(Files.writeString(Files.createDirectories(dir.resolve("src/test/java")).resolve("MainTest.java"), "class MainTest {}\n"));
        }
        // Directories too: one's time changes when a file in it is added or removed, which is a change.
        for (String module : concat(used, unused)) {
            try (var made = Files.walk(tree.resolve(module).resolve("src"))) {
                files.addAll(made.filter(Files::isDirectory).toList());
            }
        }
        for (Path f : files) {
            Files.setLastModifiedTime(f, old);
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("mvn-calls");
        Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho \"$*\" >> '" + calls + "'\ntouch '" + jar + "'\n");
        assertThat(mvn.toFile().setExecutable(true)).isTrue();
        Map<String, String> env = Map.of("LIFELINE_AOT", "0", "PATH", bin + ":" + System.getenv("PATH"));

        // One file newer than the jar at a time; true if the launcher built before it answered.
        java.util.function.Predicate<List<Path>> builds = changed -> {
            try {
                FileTime newer = FileTime.from(Files.getLastModifiedTime(jar).toInstant().plusSeconds(1));
                for (Path f : changed) {
                    Files.setLastModifiedTime(f, newer);
                }
                long before = Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
                Running.Result r = Cli.run(List.of(tree.resolve("lifeline").toString(), "--version"), dir, env);
                assertThat(r.exitCode()).as("%s changed\n%s", changed, r).isZero();
                long after = Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
                boolean built = r.stderr().contains("lifeline: building the CLI");
                assertThat(after - before).as("mvn runs when it says it builds, %s changed\n%s", changed, r)
                        .isEqualTo(built ? 1 : 0);
                for (Path f : changed) {
                    Files.setLastModifiedTime(f, old);
                }
                return built;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        assertThat(builds.test(List.of())).as("nothing changed").isFalse();
        assertThat(builds.test(List.of(tree.resolve("pom.xml")))).as("the parent pom changed").isTrue();
        for (String module : used) {
            assertThat(builds.test(List.of(tree.resolve(module).resolve("pom.xml")))).as("%s/pom.xml changed", module).isTrue();
            assertThat(builds.test(List.of(tree.resolve(module).resolve("src/main/java/Main.java"))))
                    .as("a main source of %s changed", module).isTrue();
        }
        List<Path> elsewhere = new ArrayList<>();
        for (String module : used) {
            elsewhere.add(tree.resolve(module).resolve("src/test/java/MainTest.java"));
        }
        for (String module : unused) {
            elsewhere.add(tree.resolve(module).resolve("pom.xml"));
            elsewhere.add(tree.resolve(module).resolve("src/main/java/Main.java"));
        }
        assertThat(builds.test(elsewhere)).as("only tests and modules the CLI does not use changed").isFalse();
    }

    /**
     * ./lifeline answers on source-tree.bash's word only while that script would do the same now:
     * each time the word no longer holds (another JDK would be chosen, a source is newer than the
     * jar, another jar is there, the command has no cache yet, the tree is elsewhere, or the caller
     * asks for no cache) it runs source-tree.bash, here one that records its call; and a JVM that
     * fails on the fast path is 4, never an answer.
     */
    @Test
    void theFastPathStepsAsideWheneverItsWordNoLongerHolds() throws Exception {
        Path tree = copyOfTheBuiltTree();
        Path launcher = tree.resolve("lifeline");
        Path beacon = deadBeacon();
        List<String> check = List.of(launcher.toString(), "check", beacon.toString());
        Running.Result first = Cli.run(check, dir, Map.of());
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(1);
        Path calls = dir.resolve("calls");
        recordingSourceTreeScript(tree, calls);
        java.util.function.Function<Map<String, String>, Boolean> fast = env -> tookTheFastPath(check, env, calls, 1);
        assertThat(fast.apply(Map.of())).as("nothing changed").isTrue();

        Path otherJdk = fakeJdk(dir.resolve("other-jdk"), "26");
        assertThat(fast.apply(Map.of("JAVA_HOME", otherJdk.toString()))).as("another JAVA_HOME").isFalse();
        Path pathJava = fakeJdk(dir.resolve("path-jdk"), "26").resolve("bin");
        Map<String, String> javaOnPath = Map.of("PATH", pathJava + ":" + System.getenv("PATH"));
        if (Files.readString(tree.resolve("lifeline-cli/target/aot/fast-path")).contains("\nfast_chosen_by='home'\n")) {
            assertThat(fast.apply(javaOnPath)).as("another java on the PATH, with JAVA_HOME a 25+ one").isTrue();
        } else {
            assertThat(fast.apply(javaOnPath)).as("another java first on the PATH").isFalse();
        }
        assertThat(fast.apply(Map.of("LIFELINE_AOT", "0"))).as("LIFELINE_AOT=0").isFalse();
        assertThat(fast.apply(Map.of("LIFELINE_AOT_RECHECK", "1"))).as("a run again after 199").isFalse();
        assertThat(fast.apply(Map.of())).as("nothing changed").isTrue();

        // A new source in the tree: its directory is newer than the jar.
        Path jar = tree.resolve("lifeline-cli/target").resolve(onlyCliJar(tree));
        FileTime jarTime = Files.getLastModifiedTime(jar);
        Path sources = tree.resolve("lifeline-cli/src/main/launcher");
        FileTime sourcesTime = Files.getLastModifiedTime(sources);
        Path added = Files.writeString(sources.resolve("Added.java"), "class Added {}\n");
        Files.setLastModifiedTime(added, FileTime.from(jarTime.toInstant().minusSeconds(60)));
        assertThat(fast.apply(Map.of())).as("a source added").isFalse();
        Files.delete(added);
        Files.setLastModifiedTime(sources, sourcesTime);
        assertThat(fast.apply(Map.of())).as("as it was").isTrue();
        // A source changed in place: newer than the jar, its directory not.
        Path launch = sources.resolve("launch.sh");
        FileTime launchTime = Files.getLastModifiedTime(launch);
        Files.setLastModifiedTime(launch, FileTime.from(jarTime.toInstant().plusSeconds(1)));
        assertThat(fast.apply(Map.of())).as("a source changed").isFalse();
        Files.setLastModifiedTime(launch, launchTime);
        assertThat(fast.apply(Map.of())).as("as it was").isTrue();

        // Another CLI jar beside it (a version built since, say).
        Path other = Files.copy(jar, jar.resolveSibling("lifeline-cli-99.jar"));
        Files.setLastModifiedTime(other, FileTime.from(jarTime.toInstant().minusSeconds(60)));
        assertThat(fast.apply(Map.of())).as("another CLI jar").isFalse();
        Files.delete(other);
        assertThat(fast.apply(Map.of())).as("as it was").isTrue();

        // status has no cache yet: source-tree.bash makes it.
        assertThat(tookTheFastPath(List.of(launcher.toString(), "status", beacon.getParent().toString()), Map.of(), calls, 1))
                .as("status without its cache").isFalse();

        // The same tree elsewhere: the word names the first tree's files.
        Path moved = dir.resolve("moved");
        Files.move(tree, moved);
        boolean elsewhere = tookTheFastPath(List.of(moved.resolve("lifeline").toString(), "check", beacon.toString()), Map.of(),
                calls, 1);
        Files.move(moved, tree);
        assertThat(elsewhere).as("the tree moved").isFalse();
        assertThat(fast.apply(Map.of())).as("back where it was").isTrue();

        // A JVM that cannot start on the fast path: no answer, and the word is dropped (what failed
        // may be what the shell cannot see: a JDK replaced in place).
        Files.deleteIfExists(calls);
        Running.Result failed = Cli.run(check, dir, Map.of("JAVA_TOOL_OPTIONS", "-XX:+NoSuchOptionAtAll"));
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(4);
        assertThat(failed.stdout()).as(failed.toString()).doesNotContain(beacon + ": ");
        assertThat(Files.exists(calls)).as("answered on the fast path").isFalse();
        assertThat(fast.apply(Map.of())).as("after a JVM failed on the fast path").isFalse();
    }

    /**
     * A JDK found in the install places, with no JAVA_HOME, a java on the PATH older than 25 and no
     * HOME (as a probe may run): the command answers, and the fast path takes the same JDK only
     * while the same javas are in those places and the PATH's java is the same file.
     */
    @Test
    void theFastPathKnowsAJdkFoundInTheInstallPlaces() throws Exception {
        Path tree = copyOfTheBuiltTree();
        Path launcher = tree.resolve("lifeline");
        Path machine = Files.createDirectory(dir.resolve("machine"));
        Path jdk = Path.of(Cli.javaBinary()).toRealPath().getParent().getParent();
        Files.createDirectories(machine.resolve("usr/lib/jvm"));
        Files.createSymbolicLink(machine.resolve("usr/lib/jvm/the-jdk"), jdk);
        // The PATH's java: a link to a JDK 17, first on the PATH, before the system's own.
        Path old = fakeJdk(dir.resolve("jdk-17"), "17.0.9");
        Path older = fakeJdk(dir.resolve("jdk-17-other"), "17.0.8");
        Path bin = Files.createDirectories(dir.resolve("path-bin"));
        Files.createSymbolicLink(bin.resolve("java"), old.resolve("bin/java"));
        Path absent = dir.resolve("absent");
        List<String> check = List.of("env", "-u", "HOME", "JAVA_HOME=", "PATH=" + bin + ":" + System.getenv("PATH"),
                "LIFELINE_JDK_SEARCH_ROOT=" + machine, launcher.toString(), "check", absent.toString());

        Running.Result first = Cli.run(check, dir, Map.of());
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(3);
        assertThat(first.stderr()).as(first.toString()).isEqualTo("lifeline: preparing the start-up cache (first use)...\n");
        assertThat(Files.readString(tree.resolve("lifeline-cli/target/aot/fast-path"))).contains("\nfast_chosen_by='search'\n");

        Path calls = dir.resolve("calls");
        recordingSourceTreeScript(tree, calls);
        java.util.function.Supplier<Boolean> fast = () -> tookTheFastPath(check, Map.of(), calls, 3);
        assertThat(fast.get()).as("nothing changed").isTrue();
        Path added = fakeJdk(machine.resolve("opt/java/jdk-26"), "26");
        assertThat(fast.get()).as("a JDK added to the install places").isFalse();
        try (var files = Files.walk(added)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        assertThat(fast.get()).as("as it was").isTrue();
        Files.delete(bin.resolve("java"));
        Files.createSymbolicLink(bin.resolve("java"), older.resolve("bin/java"));
        assertThat(fast.get()).as("the PATH's java, the same name, another file").isFalse();
        Files.delete(bin.resolve("java"));
        Files.createSymbolicLink(bin.resolve("java"), old.resolve("bin/java"));
        assertThat(fast.get()).as("as it was").isTrue();
        Files.delete(machine.resolve("usr/lib/jvm/the-jdk"));
        Files.createSymbolicLink(machine.resolve("usr/lib/jvm/the-jdk"), old);
        assertThat(fast.get()).as("the chosen java, the same name, another file").isFalse();
    }

    /**
     * The fast path starts the JVM exactly as source-tree.bash does, the cache's index and key
     * besides: both spell the flags out (POSIX sh has no arrays to share them through), so the
     * command lines of a waiting JVM started each way are compared, from /proc.
     */
    @Test
    void theFastPathStartsTheJvmAsSourceTreeBashDoes() throws Exception {
        Path tree = copyOfTheBuiltTree();
        Path launcher = tree.resolve("lifeline");
        Path beacon = deadBeacon();
        Running.Result first = Cli.run(List.of(launcher.toString(), "wait", "--dead", beacon.toString()), dir, Map.of());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        List<String> wait = List.of(launcher.toString(), "wait", "--alive", "--timeout", "60s", beacon.toString());
        java.util.function.Function<Map<String, String>, List<String>> jvmArguments = env -> {
            Process waiting = Cli.start(wait, dir, env);
            ProcessHandle jvm = Cli.poll("the waiting JVM has started",
                    () -> waiting.children().filter(c -> c.info().command().orElse("").endsWith("/java")).findFirst(),
                    java.util.Optional::isPresent, java.time.Duration.ofSeconds(30)).orElseThrow();
            try {
                byte[] cmdline = Files.readAllBytes(Path.of("/proc", String.valueOf(jvm.pid()), "cmdline"));
                Cli.signal("TERM", waiting.pid());
                assertThat(Cli.waitFor(waiting)).as("ended by SIGTERM").isEqualTo(143);
                return List.of(new String(cmdline, java.nio.charset.StandardCharsets.UTF_8).split("\0"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        List<String> fast = jvmArguments.apply(Map.of());
        List<String> slow = jvmArguments.apply(Map.of("LIFELINE_AOT_RECHECK", "1"));
        assertThat(fast).as("the fast path's JVM").filteredOn(a -> a.startsWith("-Dlifeline.cache.")).hasSize(2);
        assertThat(fast.stream().filter(a -> !a.startsWith("-Dlifeline.cache.")).toList()).as("the fast path's JVM")
                .isEqualTo(slow).contains("-Dlifeline.backend=jdk", "dev.lifeline.cli.Main");
    }

    /**
     * A source whose name holds a newline cannot be listed one name per line: source-tree.bash
     * answers and makes the cache, but leaves ./lifeline no word, so every call walks the sources
     * again rather than trust a list that says something else.
     */
    @Test
    void aSourceNamedWithANewlineLeavesNoWord() throws Exception {
        Path tree = copyOfTheBuiltTree();
        Path sources = tree.resolve("lifeline-cli/src/main/launcher");
        FileTime old = FileTime.from(Files.getLastModifiedTime(tree.resolve("lifeline-cli/target").resolve(onlyCliJar(tree)))
                .toInstant().minusSeconds(60));
        Files.setLastModifiedTime(Files.writeString(sources.resolve("a\nb"), ""), old);
        Files.setLastModifiedTime(sources, old);
        Running.Result r = Cli.run(List.of(tree.resolve("lifeline").toString(), "check", dir.resolve("absent").toString()),
                dir, Map.of());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).as(r.toString()).isEqualTo("lifeline: preparing the start-up cache (first use)...\n");
        assertThat(tree.resolve("lifeline-cli/target/aot/fingerprints")).exists();
        assertThat(tree.resolve("lifeline-cli/target/aot/fast-path")).doesNotExist();
    }

    /** A FIFO nobody holds, in a directory of its own: check and status answer 1, dead. */
    private Path deadBeacon() throws Exception {
        Path beacon = Files.createDirectory(dir.resolve("beacons")).resolve("b");
        assertThat(new ProcessBuilder("mkfifo", "-m", "600", beacon.toString()).inheritIO().start().waitFor()).isZero();
        return beacon;
    }

    /**
     * Runs {@code command} on a tree whose source-tree.bash records its calls
     * ({@link #recordingSourceTreeScript}): true when ./lifeline answered {@code answer} on its
     * fast path, false when it ran source-tree.bash instead (which exits 97).
     */
    private boolean tookTheFastPath(List<String> command, Map<String, String> env, Path calls, int answer) {
        try {
            Files.deleteIfExists(calls);
            Running.Result r = Cli.run(command, dir, env);
            boolean slow = Files.exists(calls);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(slow ? 97 : answer);
            return !slow;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String onlyCliJar(Path tree) throws java.io.IOException {
        try (var jars = Files.list(tree.resolve("lifeline-cli/target"))) {
            return jars.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).reduce((a, b) -> {
                throw new AssertionError("more than one CLI jar: " + a + ", " + b);
            }).orElseThrow();
        }
    }

    /**
     * Replaces the tree's source-tree.bash by one that records its call and exits 97, in place and
     * keeping its modification time, so that the fast path's word still holds for it.
     */
    private static void recordingSourceTreeScript(Path tree, Path calls) throws java.io.IOException {
        Path script = tree.resolve("lifeline-cli/src/main/launcher/source-tree.bash");
        FileTime time = Files.getLastModifiedTime(script);
        Files.writeString(script, "echo \"source-tree.bash $*\" >> '" + calls + "'\nexit 97\n");
        Files.setLastModifiedTime(script, time);
    }

    private static List<String> concat(Set<String> a, Set<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Path copyOfTheBuiltTree() throws Exception {
        Path root = Files.createDirectory(dir.resolve("tree"));
        Path source = LAUNCHER.getParent();
        Files.copy(LAUNCHER, root.resolve("lifeline"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        for (String script : List.of("launch.sh", "source-tree.bash")) {
            Path launcher = Path.of("lifeline-cli", "src", "main", "launcher", script);
            Files.createDirectories(root.resolve(launcher).getParent());
            Files.copy(source.resolve(launcher), root.resolve(launcher), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        Path target = Files.createDirectories(root.resolve("lifeline-cli/target/lib"));
        try (var jars = Files.list(source.resolve("lifeline-cli/target"))) {
            for (Path p : jars.filter(p -> p.getFileName().toString().matches("lifeline-cli-.*\\.jar")
                    && !p.getFileName().toString().matches(".*-(sources|javadoc)\\.jar")).toList()) {
                Files.copy(p, target.getParent().resolve(p.getFileName()));
            }
        }
        try (var libs = Files.list(source.resolve("lifeline-cli/target/lib"))) {
            for (Path p : libs.toList()) {
                Files.copy(p, target.resolve(p.getFileName()));
            }
        }
        return root;
    }

    /** The caches in {@code dir}: check's, the one its index names (the launcher's remembered hash). */
    private static List<Path> list(Path dir) throws Exception {
        List<Path> caches;
        try (var files = Files.list(dir)) {
            caches = files.filter(p -> p.getFileName().toString().endsWith(".aot")).sorted().toList();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".aot")))
                    .as("besides the caches, only their index and ./lifeline's fast path")
                    .containsExactlyInAnyOrder("fingerprints", "fast-path");
        }
        String key = Files.readAllLines(dir.resolve("fingerprints")).get(0);
        assertThat(caches).as("the cache the index names").containsExactly(dir.resolve("lifeline-" + key + "-check.aot"));
        return caches;
    }

    @Test
    void checksFromAnyDirectory() {
        assertThat(Files.isExecutable(LAUNCHER)).as(LAUNCHER + " executable").isTrue();
        Path beacon = dir.resolve("b");
        Running.Result r = Cli.run(List.of(LAUNCHER.toString(), "check", beacon.toString()), dir, NO_AOT);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo(beacon + ": absent (there is no beacon)\n");
        assertThat(r.stderr()).as("no build, no warning").isEmpty();
    }

    @Test
    void versionIsTheBuilds() {
        Running.Result r = Cli.run(List.of(LAUNCHER.toString(), "--version"), dir, NO_AOT);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("lifeline " + System.getProperty("lifeline.version") + "\n");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void execsTheJvmSoTheHolderIsTheProcessThatWasStarted() {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.holder(List.of(LAUNCHER.toString(), "hold", beacon.toString()))) {
            assertThat(holder.line()).isEqualTo("holding " + beacon + " (pid " + holder.process().pid() + ")");
            // SIGTERM to the pid we started reaches the JVM itself, not a shell in front of it.
            assertThat(holder.terminate()).isZero();
        }
        assertThat(Files.exists(beacon)).isFalse();
    }

    @Test
    void answersPassThroughTheLauncherUnchanged() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.holder(List.of(LAUNCHER.toString(), "hold", beacon.toString()))) {
            assertThat(holder.line()).startsWith("holding ");
            Running.Result alive = Cli.run(List.of(LAUNCHER.toString(), "check", beacon.toString()), dir, NO_AOT);
            assertThat(alive.exitCode()).as(alive.toString()).isZero();
            Running.Result status = Cli.run(List.of(LAUNCHER.toString(), "status", beacon.toString()), dir, NO_AOT);
            assertThat(status.exitCode()).as(status.toString()).isZero();
            holder.process().destroyForcibly().waitFor();
        }
        Running.Result dead = Cli.run(List.of(LAUNCHER.toString(), "check", beacon.toString()), dir, NO_AOT);
        assertThat(dead.exitCode()).as(dead.toString()).isEqualTo(1);
        assertThat(dead.stdout()).isEqualTo(beacon + ": dead (the beacon is there and nobody holds it)\n");
        Running.Result waited = Cli.run(List.of(LAUNCHER.toString(), "wait", "--dead", beacon.toString()), dir, NO_AOT);
        assertThat(waited.exitCode()).as(waited.toString()).isZero();
    }

    /**
     * A JVM that cannot start exits 1, DEAD to check's callers: a script that restarts on 1 would
     * kill a healthy daemon exactly when the machine is short of memory or descriptors. The beacon
     * is alive, so the only true answer is 0; anything the launcher cannot get from a check that
     * ran must be 4. The first two ways always stop the JVM before it runs any of lifeline; the
     * others (too few descriptors, too little address space) may or may not, depending on the JDK
     * build and the AOT cache, and must then answer truly.
     */
    @Test
    void aJvmThatCannotStartOrDiesIsUnknownNeverAnAnswer() throws Exception {
        Path beacon = dir.resolve("b");
        List<List<String>> fatal = List.of(
                List.of("env", "JAVA_TOOL_OPTIONS=-XX:+NoSuchOptionAtAll"),
                List.of("env", "JAVA_TOOL_OPTIONS=-Xms64m -Xmx2m"));
        List<List<String>> starved = List.of(
                List.of("env", "JAVA_TOOL_OPTIONS=-Xmx2m"),
                List.of("prlimit", "--nofile=16:16"),
                List.of("prlimit", "--nofile=20:20"),
                List.of("prlimit", "--as=400000000"));
        try (Running holder = Cli.holder(List.of(LAUNCHER.toString(), "hold", beacon.toString()))) {
            assertThat(holder.line()).startsWith("holding ");
            for (List<String> wrapper : java.util.stream.Stream.concat(fatal.stream(), starved.stream()).toList()) {
                for (List<String> command : List.of(List.of("check", beacon.toString()), List.of("status", beacon.toString()),
                        List.of("wait", "--alive", beacon.toString()))) {
                    List<String> line = new java.util.ArrayList<>(wrapper);
                    line.add(LAUNCHER.toString());
                    line.addAll(command);
                    Running.Result r = Cli.run(line, dir, NO_AOT);
                    if (fatal.contains(wrapper) || r.exitCode() != 0) {
                        assertThat(r.exitCode()).as(line + ": " + r).isEqualTo(4);
                        // The JVM may print its own error on stdout; no answer is printed.
                        assertThat(r.stdout()).as(line + ": no answer on stdout").doesNotContain(beacon + ": ");
                        // Said by the launcher for a JVM that never ran lifeline, or by lifeline
                        // itself for an error it caught (out of memory in picocli, say).
                        assertThat(r.stderr()).as(line + ": one line says what failed").containsPattern(fatal.contains(wrapper)
                                ? "lifeline: the JVM failed before it answered \\(exit status 1; .*\\); no answer\n$"
                                : "(lifeline: the JVM (failed|was killed by signal \\d+) before it answered.*; no answer"
                                        + "|lifeline: unexpected error: .*)\n$");
                    } else {
                        assertThat(r.stdout()).as(line + ": a true answer").contains("alive");
                    }
                }
            }
        }
    }

    @Test
    void aSignalToTheLauncherReachesTheJvmThatWaits() throws Exception {
        Path beacon = dir.resolve("b");
        try (Running holder = Cli.holder(List.of(LAUNCHER.toString(), "hold", beacon.toString()))) {
            assertThat(holder.line()).startsWith("holding ");
            Process waiting = Cli.start(List.of(LAUNCHER.toString(), "wait", "--dead", beacon.toString()), dir, NO_AOT);
            // The launcher's child is the JVM (it may start short-lived helpers first); once it
            // runs, the launcher is told to stop.
            ProcessHandle jvm = Cli.poll("the waiting JVM has started",
                    () -> waiting.children().filter(c -> c.info().command().orElse("").endsWith("/java")).findFirst(),
                    java.util.Optional::isPresent, java.time.Duration.ofSeconds(30)).orElseThrow();
            Cli.signal("TERM", waiting.pid());
            assertThat(Cli.waitFor(waiting)).as("ended by SIGTERM, as wait documents").isEqualTo(143);
            jvm.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(jvm.isAlive()).as("the JVM ended with it").isFalse();
        }
    }

    @Test
    void usageErrorsKeepTheirExitCode() {
        Running.Result r = Cli.run(List.of(LAUNCHER.toString(), "check"), dir, NO_AOT);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("Try 'lifeline check --help'");
    }

    @Test
    void noJdk25IsOneClearLineAndExitFour() throws Exception {
        Path root = Files.createDirectory(dir.resolve("machine"));
        Path tooOld = fakeJdk(root.resolve("opt/jdk-17"), "17.0.9");
        Running.Result r = launch(root, Map.of("JAVA_HOME", tooOld.toString()), "check", "/x");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo(
                "lifeline: needs a JDK 25 or newer; install one (e.g. Temurin 25) or set JAVA_HOME\n");
    }

    @Test
    void picksTheNewestJdk25OrLaterAmongTheInstallPlaces() throws Exception {
        Path root = Files.createDirectory(dir.resolve("machine"));
        fakeJdk(root.resolve("usr/lib/jvm/jdk-17"), "17.0.9");
        fakeJdk(root.resolve("usr/lib/jvm/jdk-25"), "25.0.1");
        fakeJdk(root.resolve("opt/java/jdk-26"), "26");
        Running.Result r = launch(root, Map.of(), "check", "/x");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("java 26: ")
                .contains(" -Dlifeline.backend=jdk -Djdk.reflect.useNativeAccessorOnly=true ")
                .contains(" --enable-native-access=ALL-UNNAMED --add-opens=java.base/sun.nio.fs=ALL-UNNAMED -cp ")
                .endsWith(" dev.lifeline.cli.Main check /x\n");
    }

    @Test
    void javaHomeWinsWhenItIs25OrLater() throws Exception {
        Path root = Files.createDirectory(dir.resolve("machine"));
        fakeJdk(root.resolve("usr/lib/jvm/jdk-26"), "26");
        Path home = fakeJdk(dir.resolve("home-jdk"), "25.0.2");
        Running.Result r = launch(root, Map.of("JAVA_HOME", home.toString()), "--version");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("java 25.0.2: ");
    }

    /**
     * Under the C locale (or none), Java would decode every name as ASCII: the launcher gives the
     * JVM C.UTF-8, so a dead wörker is dead (1), not absent (3), in a listing and as an argument;
     * a name that is not UTF-8 at all is refused (2), whatever the locale.
     */
    @Test
    void namesBeyondAsciiAreCheckedExactlyWhateverTheCallersLocale() throws Exception {
        Path beacons = Files.createDirectory(dir.resolve("beacons"));
        Path worker = beacons.resolve("w\u00f6rker");
        dev.lifeline.Beacon.open(worker, dev.lifeline.BeaconOption.KEEP_ON_CLOSE).close();
        for (List<String> locale : List.of(List.of("LC_ALL=C"), List.of("-u", "LC_ALL", "-u", "LANG", "-u", "LC_CTYPE"),
                List.of("-u", "LC_ALL", "LANG=POSIX"), List.of("-u", "LC_ALL", "LANG=C.UTF-8"))) {
            List<String> env = new java.util.ArrayList<>(List.of("env"));
            env.addAll(locale);
            env.add(LAUNCHER.toString());
            List<String> status = new java.util.ArrayList<>(env);
            status.addAll(List.of("status", beacons.toString()));
            Running.Result r = Cli.run(status, dir, NO_AOT);
            assertThat(r.exitCode()).as(locale + ": " + r).isEqualTo(1);
            assertThat(r.stdout()).as(locale.toString()).contains("  " + worker + "\n").startsWith("STATE");
            assertThat(r.stdout().split("\n")[1]).as(locale.toString()).startsWith("dead ");

            List<String> check = new java.util.ArrayList<>(env);
            check.addAll(List.of("check", worker.toString()));
            Running.Result c = Cli.run(check, dir, NO_AOT);
            assertThat(c.exitCode()).as(locale + ": " + c).isEqualTo(1);
            assertThat(c.stdout()).as(locale.toString()).startsWith(worker + ": dead");

            List<String> invalid = new java.util.ArrayList<>(List.of("sh", "-c", "exec \"$@\" \"$(printf 'w\\377')\"", "sh"));
            invalid.addAll(env);
            invalid.add("check");
            Running.Result i = Cli.run(invalid, beacons, NO_AOT);
            assertThat(i.exitCode()).as(locale + ": " + i).isEqualTo(2);
            assertThat(i.stderr()).as(locale.toString()).startsWith("lifeline: argument 2 (w\\377) is not valid UTF-8;");
        }
    }

    /**
     * The launcher may give the JVM another LC_ALL, but the programs that run and exec start get
     * the caller's environment as it was: the same entries, byte for byte (a value that is not
     * UTF-8 included), compared as `env -0` prints them. Only LIFELINE_FD is added, and bash, which
     * the launcher is, sets SHLVL and _ for whatever it starts.
     */
    @Test
    void runAndExecChildrenSeeExactlyTheCallersEnvironment() throws Exception {
        List<List<String>> locales = List.of(List.of("LC_ALL=C"), List.of("-u", "LC_ALL", "-u", "LANG", "-u", "LC_CTYPE"),
                List.of("LC_ALL=", "LANG=C"), List.of("-u", "LC_ALL", "LANG=C.UTF-8"));
        int n = 0;
        for (List<String> locale : locales) {
            for (String verb : List.of("run", "exec")) {
                Path direct = dir.resolve("direct-" + n);
                Path child = dir.resolve("child-" + n++);
                List<String> command = new java.util.ArrayList<>(List.of("env"));
                command.addAll(locale);
                command.addAll(List.of("sh", "-c", "export ODD=\"$(printf '\\377\\nx')\"; env -0 > \"$1\"; shift; exec \"$@\"",
                        "sh", direct.toString(), LAUNCHER.toString(), verb, dir.resolve("b" + n).toString(), "--",
                        "sh", "-c", "env -0 > \"$1\"", "sh", child.toString()));
                Running.Result r = Cli.run(command, dir, NO_AOT);
                assertThat(r.exitCode()).as(locale + " " + verb + ": " + r).isZero();
                assertThat(NamesTest.entries(Files.readAllBytes(child))).as(locale + " " + verb)
                        .isEqualTo(NamesTest.entries(Files.readAllBytes(direct)));
                assertThat(new String(Files.readAllBytes(child), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("nothing of the launcher's own").doesNotContain("LIFELINE_CALLER").doesNotContain("LIFELINE_LOCALE");
            }
        }
    }

    /**
     * Runs the launcher on a pretend machine: its install places under {@code root} (through the
     * launcher's test hook), a PATH with the few tools it needs and no java, an empty HOME.
     */
    private Running.Result launch(Path root, Map<String, String> env, String... args) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("dirname", "readlink", "sed", "find", "ls", "head", "mkdir", "cat", "flock")) {
            Path real = Files.exists(Path.of("/usr/bin", tool)) ? Path.of("/usr/bin", tool) : Path.of("/bin", tool);
            if (!Files.exists(bin.resolve(tool))) {
                Files.createSymbolicLink(bin.resolve(tool), real);
            }
        }
        Map<String, String> all = new java.util.HashMap<>(Map.of(
                "PATH", bin.toString(),
                "HOME", Files.createDirectories(dir.resolve("home")).toString(),
                "LIFELINE_JDK_SEARCH_ROOT", root.toString()));
        all.put("JAVA_HOME", "");
        all.putAll(env);
        List<String> command = new java.util.ArrayList<>(List.of("/bin/bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        return Cli.run(command, dir, all);
    }

    /** A JDK home whose java prints its version and its arguments instead of running anything. */
    private static Path fakeJdk(Path home, String version) throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"fake\"\nJAVA_VERSION=\"" + version + "\"\n");
        // For check, status and wait it answers as the CLI does under the launcher: 200 + 0.
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"java " + version + ": $*\"\n"
                + "case \"$1\" in -Dlifeline.launcher=answers) exit 200 ;; esac\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        return home;
    }
}
