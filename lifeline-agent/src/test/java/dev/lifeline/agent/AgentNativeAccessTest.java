package dev.lifeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Lifeline;
import dev.lifeline.Probe;
import dev.lifeline.Status.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent calls the C library through java.lang.foreign without the JDK's restricted-method
 * warning and without {@code --enable-native-access}, and keeps apart from an application's own
 * lifeline-core.
 */
class AgentNativeAccessTest {
    @TempDir
    Path dir;

    @Test
    void noWarningOnStderrWithoutAnyFlag() throws Exception {
        Path beacon = dir.resolve("quiet");
        try (Jvm jvm = Jvm.start(Jvm.program(List.of(Jvm.agent(beacon + ",heartbeat=1s")), "Idle"),
                Map.of())) {
            jvm.awaitLine("running"::equals, Jvm.START);
            Jvm.await(Probe.of(beacon), State.ALIVE, Jvm.START);
            jvm.closeStdin();
            assertThat(jvm.exit(Duration.ofSeconds(60))).isZero();
            assertThat(jvm.stderr()).as("nothing on stderr, no WARNING in particular").isEmpty();
        }
    }

    @Test
    void theManifestAttributeAloneWouldNotDo() throws Exception {
        // Why the agent grants native access itself: the JDK ignores Enable-Native-Access in an
        // agent's manifest. This build's jar does not carry it (it would mislead), and the same
        // check for a plain agent would show the JDK's warning: see docs/agent.md.
        try (JarFile jar = new JarFile(Jvm.AGENT.toFile())) {
            var attributes = jar.getManifest().getMainAttributes();
            assertThat(attributes.getValue("Premain-Class")).isEqualTo(Agent.class.getName());
            assertThat(attributes.getValue("Enable-Native-Access")).isNull();
            assertThat(jar.stream().map(e -> e.getName()))
                    .as("lifeline-core is inside, relocated; nothing else is")
                    .contains("dev/lifeline/agent/shaded/Beacon.class", "dev/lifeline/agent/shaded/internal/posix/Fifo.class")
                    .noneMatch(n -> n.startsWith("dev/lifeline/") && !n.startsWith("dev/lifeline/agent/") && n.endsWith(".class"))
                    .noneMatch(n -> n.endsWith("module-info.class"));
        }
    }

    @Test
    void anApplicationWithItsOwnLifelineCoreSeesTheAgentsBeaconThroughIt() throws Exception {
        Path beacon = dir.resolve("shared-classpath");
        Path core = Path.of(Lifeline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = List.of(Jvm.java(), "--enable-native-access=ALL-UNNAMED", Jvm.agent(beacon + ",heartbeat=1s"),
                "-cp", Jvm.programs() + ":" + core, "dev.lifeline.agent.programs.CoreUser", beacon.toString());
        try (Jvm jvm = Jvm.start(command, Map.of())) {
            String line = jvm.awaitLine(l -> l.startsWith("own "), Jvm.START);
            assertThat(line).startsWith("own ALIVE ").endsWith(core.toString());
            assertThat(jvm.exit(Duration.ofSeconds(60))).isZero();
            assertThat(jvm.stderr()).isEmpty();
        }
    }
}
