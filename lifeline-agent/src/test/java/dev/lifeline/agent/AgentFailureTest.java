package dev.lifeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Probe;
import dev.lifeline.Status.State;
import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent never disturbs the application: whatever keeps it from holding its beacon is one
 * line on stderr and the program runs on, unless {@code exclusive} was asked.
 */
class AgentFailureTest {
    @TempDir
    Path dir;

    /**
     * Runs Idle with the agent: it must print "running", the agent its line (from its own thread,
     * while main runs), and Idle must still answer and exit 0 on end of input.
     */
    private Jvm.Outcome runsOn(String options) throws Exception {
        try (Running jvm = Jvm.withAgent(options, "Idle")) {
            jvm.awaitLine("running"::equals, Jvm.START);
            jvm.awaitStderrLine(l -> l.startsWith("lifeline-agent: "), Jvm.START);
            jvm.send("still there?");
            jvm.awaitLine("read still there?"::equals, Jvm.START);
            jvm.closeStdin();
            int status = jvm.exit(Duration.ofSeconds(60));
            return new Jvm.Outcome(status, jvm.stderr());
        }
    }

    private static void oneClearLine(String stderr, String... fragments) {
        assertThat(stderr.lines().toList()).as(stderr).singleElement()
                .satisfies(line -> assertThat(line).startsWith("lifeline-agent: ").contains(fragments));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",heartbeat=1s", "heartbeat=1s", "%s,heartbeat=fast", "%s,heartbeat=1ms",
            "%s,mode=0777x", "%s,mode=0400", "%s,gc-overhead=0", "%s,gc-overhead=50", "%s,verbose",
            "%s,heartbeat=1s,heartbeat=2s"})
    void badOptionsAreOneLineAndTheApplicationRunsOn(String options) throws Exception {
        Jvm.Outcome outcome = runsOn(options.formatted(dir.resolve("b")));
        assertThat(outcome.status()).isZero();
        oneClearLine(outcome.stderr(), "bad options", "the application runs on without a beacon");
        assertThat(dir.resolve("b")).doesNotExist();
    }

    @Test
    void aMissingDirectoryIsOneLineAndTheApplicationRunsOn() throws Exception {
        Path beacon = dir.resolve("missing/b");
        Jvm.Outcome outcome = runsOn(beacon + ",heartbeat=1s");
        assertThat(outcome.status()).isZero();
        oneClearLine(outcome.stderr(), "cannot hold " + beacon, "NO_SUCH_DIRECTORY");
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void somethingElseAtThePathIsLeftUntouched() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "precious\n");
        Jvm.Outcome outcome = runsOn(file.toString());
        assertThat(outcome.status()).isZero();
        oneClearLine(outcome.stderr(), "cannot hold " + file, "NOT_A_FIFO");
        assertThat(Files.readString(file)).isEqualTo("precious\n");
    }

    @Test
    void aBeaconHeldByAnotherProcessIsOneLineOrUnderExclusiveTheDocumentedExit() throws Exception {
        Path beacon = dir.resolve("single");
        Probe probe = Probe.of(beacon);
        try (Running first = Jvm.withAgent(beacon + ",exclusive", "Idle")) {
            first.awaitLine("running"::equals, Jvm.START);
            assertThat(probe.check().state()).as("exclusive holds before main runs").isEqualTo(State.ALIVE);
            assertThat(probe.holderPid()).hasValue(first.pid());

            Jvm.Outcome shared = runsOn(beacon.toString());
            assertThat(shared.status()).isZero();
            oneClearLine(shared.stderr(), "cannot hold " + beacon, "HELD");

            try (Running second = Jvm.withAgent(beacon + ",heartbeat=1s,exclusive", "Idle")) {
                second.closeStdin();
                assertThat(second.exit(Duration.ofSeconds(60))).isEqualTo(Agent.EXIT_NOT_HELD).isEqualTo(75);
                oneClearLine(second.stderr(), "cannot hold " + beacon, "HELD", "exits with status 75");
                assertThat(second.remainingLines()).as("main never ran").doesNotContain("running");
            }
            assertThat(probe.check().state()).as("the first holder keeps it").isEqualTo(State.ALIVE);
            assertThat(probe.holderPid()).hasValue(first.pid());
            first.closeStdin();
            assertThat(first.exit(Duration.ofSeconds(60))).isZero();
            assertThat(first.stderr()).isEmpty();
        }
        assertThat(probe.check().state()).isEqualTo(State.ABSENT);
    }

    @Test
    void badOptionsUnderExclusiveExitWithTheDocumentedStatus() throws Exception {
        try (Running jvm = Jvm.withAgent(dir.resolve("b") + ",exclusive,heartbeat=soon", "Idle")) {
            jvm.closeStdin();
            assertThat(jvm.exit(Duration.ofSeconds(60))).isEqualTo(75);
            oneClearLine(jvm.stderr(), "bad options", "heartbeat=soon", "exits with status 75");
            assertThat(jvm.remainingLines()).doesNotContain("running");
        }
        // exclusive misspelt with a value is still heard as exclusive: no unguarded start
        try (Running jvm = Jvm.withAgent(dir.resolve("b") + ",exclusive=yes", "Idle")) {
            jvm.closeStdin();
            assertThat(jvm.exit(Duration.ofSeconds(60))).isEqualTo(75);
            oneClearLine(jvm.stderr(), "bad options", "'exclusive' takes no value", "exits with status 75");
            assertThat(jvm.remainingLines()).doesNotContain("running");
        }
        assertThat(dir.resolve("b")).doesNotExist();
    }

    @Test
    void javaSeventeenGetsOneLineAndTheApplicationRunsOnOrUnderExclusiveTheDocumentedExit() throws Exception {
        // The machine's Maven runs on a JDK 17; the agent needs 22+ and must say so, not abort the JVM.
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        // A missing JDK 17 fails this test, never skips it: run-tests installs Debian's.
        assertThat(Files.isExecutable(java17)).as("Debian's JDK 17 at " + java17 + " (package openjdk-17-jdk-headless)").isTrue();
        // Idle from its source (the source launcher): the test classes are compiled for Java 22.
        String idle = Path.of("src/test/java/dev/lifeline/agent/programs/Idle.java").toAbsolutePath().toString();
        List<String> plain = List.of(java17.toString(), Jvm.agent(dir.resolve("b") + ",heartbeat=1s"), idle);
        try (Running jvm = Jvm.start(plain, Map.of())) {
            jvm.awaitLine("running"::equals, Jvm.START);
            jvm.closeStdin();
            assertThat(jvm.exit(Duration.ofSeconds(60))).isZero();
            oneClearLine(jvm.stderr(), "needs Java 22 or newer", "this is Java 17", "runs on without a beacon");
        }
        List<String> exclusive = List.of(java17.toString(), Jvm.agent(dir.resolve("b") + ",exclusive"), idle);
        try (Running jvm = Jvm.start(exclusive, Map.of())) {
            jvm.closeStdin();
            assertThat(jvm.exit(Duration.ofSeconds(60))).isEqualTo(75);
            oneClearLine(jvm.stderr(), "needs Java 22 or newer", "exits with status 75");
        }
        assertThat(dir.resolve("b")).doesNotExist();
    }

    @Test
    void aMainThatReturnsAtOnceLeavesNoFifoBehindAndSaysNothing() throws Exception {
        // The JVM may end before, while or after the agent's thread holds the beacon: in no case
        // may a clean exit leave a FIFO (DEAD) or a line on stderr.
        Path beacon = dir.resolve("brief");
        for (int i = 0; i < 5; i++) {
            try (Running jvm = Jvm.withAgent(beacon + ",heartbeat=1s", "Idle")) {
                jvm.closeStdin();
                assertThat(jvm.exit(Duration.ofSeconds(60))).isZero();
                assertThat(jvm.stderr()).isEmpty();
            }
            assertThat(Probe.of(beacon).check().state()).as("run " + i).isEqualTo(State.ABSENT);
        }
    }

    @Test
    void aBareNameLivesInTheDefaultDirectoryWhichIsCreatedPrivate() throws Exception {
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        Path beacon = runtime.resolve("lifeline/worker");
        Probe probe = Probe.of(beacon);
        try (Running jvm = Jvm.start(Jvm.program(List.of(Jvm.agent("worker,mode=0640")), "Idle"),
                Map.of("XDG_RUNTIME_DIR", runtime.toString()))) {
            jvm.awaitLine("running"::equals, Jvm.START);
            Jvm.await(probe, State.ALIVE, Jvm.START);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(beacon.getParent())))
                    .isEqualTo("rwx------");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(beacon)))
                    .isEqualTo("rw-r-----");
            jvm.closeStdin();
            assertThat(jvm.exit(Duration.ofSeconds(60))).isZero();
            assertThat(jvm.stderr()).isEmpty();
        }
        assertThat(probe.check().state()).isEqualTo(State.ABSENT);
    }
}
