package dev.lifeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.Status.State;
import dev.lifeline.testkit.Running;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Well" as the agent judges it, in real JVMs: a deadlock and a collector that runs all the time. */
class AgentHealthTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void aDeadlockTurnsHungWithinOneDeadlineWhileAThirdThreadRunsAndRecoveryTurnsAlive() throws Exception {
        Path beacon = dir.resolve("deadlocker");
        Probe probe = Probe.of(beacon);
        try (Running jvm = Jvm.withAgent(beacon + ",heartbeat=1s", "Deadlocker")) {
            jvm.awaitLine("running"::equals, Jvm.START);
            Status alive = Jvm.awaitBeating(probe, Jvm.START);

            jvm.send("deadlock");
            jvm.awaitLine("deadlocked"::equals, Duration.ofSeconds(30));
            Instant deadlocked = Instant.now();
            Status hung = Jvm.await(probe, State.HUNG, HEARTBEAT.plusSeconds(30));
            // No beat after the deadlock (a beat already under way may still land): the last
            // promise reaches at most one heartbeat beyond it, plus one beat period.
            assertThat(hung.deadline().get()).isBeforeOrEqualTo(deadlocked.plus(HEARTBEAT).plus(HEARTBEAT.dividedBy(3)));
            // The third thread ran on all along: a running thread does not mask the deadlock.
            jvm.send("ticks");
            assertThat(jvm.awaitLine(l -> l.startsWith("ticks "), Duration.ofSeconds(30))).endsWith(" true");
            assertThat(probe.check().state()).as("still deadlocked").isEqualTo(State.HUNG);

            jvm.send("recover");
            jvm.awaitLine("recovered"::equals, Duration.ofSeconds(30));
            Jvm.await(probe, State.ALIVE, Duration.ofSeconds(30));
            assertThat(alive.state()).isEqualTo(State.ALIVE);
            jvm.closeStdin();
            assertThat(jvm.exit(Duration.ofSeconds(60))).isZero();
            assertThat(probe.check().state()).as("a clean exit removes the FIFO").isEqualTo(State.ABSENT);
            assertThat(jvm.stderr()).isEmpty();
        }
    }

    @Test
    void aHeapKeptFullTurnsHung() throws Exception {
        Path beacon = dir.resolve("gchog");
        Probe probe = Probe.of(beacon);
        // Serial GC, a small fixed heap, the live set within 2 % of it: nearly every allocation
        // ends in a full collection.
        List<String> options = List.of("-Xms64m", "-Xmx64m", "-XX:+UseSerialGC", Jvm.agent(beacon + ",heartbeat=1s"));
        try (Running jvm = Jvm.start(Jvm.program(options, "GcHog"), Map.of())) {
            jvm.awaitLine("waiting"::equals, Jvm.START);
            Jvm.await(probe, State.ALIVE, Jvm.START);
            jvm.send("fill");
            jvm.awaitLine(l -> l.startsWith("full "), Jvm.START);
            Status hung = Jvm.await(probe, State.HUNG, Duration.ofSeconds(60));
            assertThat(jvm.process().isAlive()).as("HUNG, not dead: the JVM still runs").isTrue();
            assertThat(hung.state()).isEqualTo(State.HUNG);
        }
    }

    @Test
    void theGcOverheadLimitIsTheOptionsOwn() throws Exception {
        // The same hog with gc-overhead=100: a share of 100 % is never reached while the agent's
        // own thread runs between collections, so the beacon stays ALIVE where the default turned HUNG.
        Path beacon = dir.resolve("gchog100");
        Probe probe = Probe.of(beacon);
        List<String> options = List.of("-Xms64m", "-Xmx64m", "-XX:+UseSerialGC",
                Jvm.agent(beacon + ",heartbeat=1s,gc-overhead=100"));
        try (Running jvm = Jvm.start(Jvm.program(options, "GcHog"), Map.of())) {
            jvm.awaitLine("waiting"::equals, Jvm.START);
            Jvm.await(probe, State.ALIVE, Jvm.START);
            jvm.send("fill");
            jvm.awaitLine(l -> l.startsWith("full "), Jvm.START);
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            int alive = 0;
            int checks = 0;
            while (System.nanoTime() < until) {
                checks++;
                if (probe.check().state() == State.ALIVE) {
                    alive++;
                }
                Thread.sleep(50); // samples the state over five seconds
            }
            assertThat(alive).as("ALIVE in " + alive + " of " + checks + " checks").isPositive();
        }
    }
}
