package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loading rules of the two backends, each in a JVM of its own (the JDK under test; this suite
 * runs on 25 and on 17): JNA on the class path is never loaded where FFM serves, and a JVM that
 * needs JNA and lacks it is told so, in one clear exception, on every use.
 */
class BackendLoadingTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String JNA = "net.java.dev.jna:jna:5.19.1";
    private static final int FEATURE = Runtime.version().feature();

    @TempDir
    Path dir;

    /**
     * {@code Exercise DIR}: holds a beacon, beats, checks it, watches it with a Watcher, waits for
     * its death with awaitDeath and onDeath while it closes; prints {@code done} when every answer
     * was as it must be.
     */
    public static final class Exercise {
        public static void main(String[] args) throws Exception {
            Path path = Path.of(args[0], "b");
            CompletableFuture<Watcher.Change> dead = new CompletableFuture<>();
            try (Watcher watcher = Watcher.start(change -> {
                if (change.status().state() != Status.State.ALIVE) {
                    dead.complete(change);
                }
            })) {
                Beacon beacon = Beacon.open(path);
                beacon.beat(Duration.ofMinutes(1));
                Probe probe = Probe.of(path);
                require(probe.check().state() == Status.State.ALIVE, "ALIVE while held: " + probe.check());
                require(probe.holderPid().orElse(-1) == ProcessHandle.current().pid(), "holderPid " + probe.holderPid());
                watcher.watch(path);
                CompletableFuture<Status> onDeath = probe.onDeath();
                CompletableFuture<Status> awaited = CompletableFuture.supplyAsync(() -> {
                    try {
                        return probe.awaitDeath(DEADLINE);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                beacon.close();
                require(awaited.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).state() != Status.State.ALIVE, "awaitDeath");
                require(onDeath.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).state() != Status.State.ALIVE, "onDeath");
                require(dead.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).path().equals(path), "the watcher's change");
                require(probe.check().state() == Status.State.ABSENT, "ABSENT once closed: " + probe.check());
            }
            System.out.println("done");
        }

        private static void require(boolean holds, String what) {
            if (!holds) {
                throw new AssertionError(what);
            }
        }
    }

    /**
     * {@code Uses DIR}: each of Probe.of(path).check() and Beacon.open, twice in turn; prints one
     * line per use, what it threw ({@code ClassName: message}) or {@code ok}.
     */
    public static final class Uses {
        public static void main(String[] args) {
            Path path = Path.of(args[0], "b");
            for (int round = 0; round < 2; round++) {
                attempt(() -> Probe.of(path).check());
                attempt(() -> Beacon.open(path).close());
            }
        }

        private interface Use {
            void run() throws Exception;
        }

        private static void attempt(Use use) {
            try {
                use.run();
                System.out.println("ok");
            } catch (Throwable t) {
                System.out.println(t.getClass().getName() + ": " + t.getMessage());
            }
        }
    }

    @Test
    void theChosenBackendAloneIsLoadedThoughJnaIsOnTheClassPath() {
        String classPath = System.getProperty("java.class.path");
        assertThat(classPath).as("JNA on the tests' class path").containsPattern("jna-[0-9.]+\\.jar");
        Running.Result r = run(List.of("-verbose:class"), classPath, Exercise.class.getName(), dir.toString());
        assertThat(r.exitCode()).as("%s", r.stderr()).isZero();
        List<String> loaded = r.stdout().lines().filter(l -> l.contains("[class,load]"))
                .map(l -> l.replaceAll("^.*\\[class,load\\] (\\S+).*$", "$1")).collect(Collectors.toList());
        assertThat(r.stdout().lines()).as("the exercise's answer").contains("done");
        assertThat(loaded).as("classes loaded").contains(Probe.class.getName());
        if (FEATURE >= 22) {
            assertThat(loaded).as("the FFM backend serves on Java " + FEATURE)
                    .anyMatch(c -> c.startsWith("dev.lifeline.internal.linux.ffm."));
            assertThat(loaded).as("no class of JNA on Java " + FEATURE)
                    .noneMatch(c -> c.startsWith("com.sun.jna."))
                    .noneMatch(c -> c.startsWith("dev.lifeline.internal.linux.jna."));
        } else {
            assertThat(loaded).as("the JNA backend serves on Java " + FEATURE)
                    .anyMatch(c -> c.startsWith("dev.lifeline.internal.linux.jna."))
                    .anyMatch(c -> c.startsWith("com.sun.jna."));
            assertThat(loaded).as("no class compiled for 22 on Java " + FEATURE)
                    .noneMatch(c -> c.startsWith("dev.lifeline.internal.linux.ffm."));
        }
    }

    /**
     * Without JNA, where JNA is the backend (Java 17 to 21; on 22+ forced with lifeline.backend=jna):
     * every use, not only the first, fails with the same UnsupportedOperationException, which names
     * the dependency to add with its version; never a NoClassDefFoundError.
     */
    @Test
    void withoutJnaEveryUseSaysWhichDependencyToAdd() {
        String withoutJna = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).getFileName().toString().matches("jna-[0-9.]+\\.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(withoutJna).isNotEqualTo(System.getProperty("java.class.path"));
        List<String> options = FEATURE >= 22 ? List.of("-Dlifeline.backend=jna") : List.of();
        Running.Result r = run(options, withoutJna, Uses.class.getName(), dir.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        List<String> lines = r.stdout().lines().collect(Collectors.toList());
        assertThat(lines).as("%s", r).hasSize(4);
        assertThat(lines.get(0)).startsWith(UnsupportedOperationException.class.getName() + ": ").contains(JNA);
        assertThat(lines).as("the same exception every time").containsOnly(lines.get(0));
        assertThat(r.stdout() + r.stderr()).doesNotContain("NoClassDefFoundError").doesNotContain("ExceptionInInitializerError");
    }

    /** The version the message names is the one the build compiles and tests with (the parent POM's). */
    @Test
    void theJnaNamedIsTheOneTheBuildUses() throws Exception {
        String parent = java.nio.file.Files.readString(Path.of("..", "pom.xml"));
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("<jna\\.version>([^<]+)</jna\\.version>").matcher(parent);
        assertThat(version.find()).as("jna.version in the parent POM").isTrue();
        assertThat(JNA).isEqualTo("net.java.dev.jna:jna:" + version.group(1));
    }

    private static Running.Result run(List<String> jvmOptions, String classPath, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Running.javaBinary(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return Running.run(command, null, Map.of(), DEADLINE);
    }
}
