package dev.lifeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Probe;
import dev.lifeline.Status.State;
import dev.lifeline.testkit.Recipes;
import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's recipes in docs/recipes: their agent options parse with the agent's own parser, the
 * unit and the probe name the same beacon, and each option line, with the beacon moved into a
 * temporary directory and the jar of this build, really gives a JVM a beacon.
 */
class AgentRecipesTest {
    private static final Path RECIPES = Recipes.DIR;
    private static final String INSTALLED_JAR = "/usr/lib/lifeline/lifeline-agent.jar";

    @TempDir
    Path dir;

    /** The options after {@code -javaagent:/usr/lib/lifeline/lifeline-agent.jar=}, parsed by the agent. */
    private static AgentOptions agentOptions(String jvmOptions) {
        String prefix = "-javaagent:" + INSTALLED_JAR + "=";
        assertThat(jvmOptions).startsWith(prefix).doesNotContain(" ");
        return AgentOptions.parse(jvmOptions.substring(prefix.length()));
    }

    /** Starts Idle with {@code jvmOptions} moved to this build's jar and {@code beacon}; it must hold it. */
    private void holds(String variable, String jvmOptions, String recipeBeacon) throws Exception {
        Path beacon = dir.resolve(Path.of(recipeBeacon).getFileName());
        String options = jvmOptions.replace(INSTALLED_JAR, Jvm.AGENT.toString()).replace(recipeBeacon, beacon.toString());
        List<String> command = variable.equals("JAVA_TOOL_OPTIONS")
                ? Jvm.program(List.of(), "Idle")
                : Jvm.program(List.of(options.split(" ")), "Idle"); // as the start scripts put it on java's command line
        Map<String, String> env = variable.equals("JAVA_TOOL_OPTIONS") ? Map.of(variable, options) : Map.of();
        try (Running jvm = Jvm.start(command, env)) {
            jvm.awaitLine("running"::equals, Jvm.START);
            Jvm.awaitBeating(Probe.of(beacon), Jvm.START);
            jvm.closeStdin();
            assertThat(jvm.exit(Duration.ofSeconds(60))).isZero();
            assertThat(Jvm.stderrOfOthers(jvm)).isEmpty();
        }
        assertThat(Probe.of(beacon).check().state()).isEqualTo(State.ABSENT);
    }

    @Test
    void theSystemdUnitGivesTheServiceAnExclusiveBeatingBeaconAndWaitsForIt() throws Exception {
        Map<String, String> service = Recipes.unit("jvm-agent.service").get("Service");
        String environment = service.get("Environment");
        assertThat(environment).startsWith("JAVA_TOOL_OPTIONS=");
        String jvmOptions = environment.substring("JAVA_TOOL_OPTIONS=".length());
        AgentOptions options = agentOptions(jvmOptions);
        assertThat(options.heartbeat()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.exclusive()).isTrue();
        // A second instance exits with the agent's status, which systemd must not restart.
        assertThat(service.get("RestartPreventExitStatus")).isEqualTo(Integer.toString(Agent.EXIT_NOT_HELD));
        // The start-up gate waits for the very beacon the agent holds.
        assertThat(service.get("ExecStartPost").split(" "))
                .containsExactly("/usr/local/bin/lifeline", "wait", options.path(), "--alive", "--timeout", "120s");
        assertThat(Path.of(options.path()).getParent()).isEqualTo(Path.of("/run").resolve(service.get("RuntimeDirectory")));
        Map<String, String> check = Recipes.unit("jvm-agent-check.service").get("Service");
        assertThat(check.get("ExecStart").split(" "))
                .containsExactly("/usr/local/bin/lifeline", "check", "--quiet", options.path());
        holds("JAVA_TOOL_OPTIONS", jvmOptions, options.path());
    }

    @Test
    void kafkaAndElasticsearchTakeTheAgentInTheirOwnVariables() throws Exception {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String line : Files.readAllLines(RECIPES.resolve("jvm-agent.env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                variables.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertThat(variables).containsOnlyKeys("KAFKA_OPTS", "ES_JAVA_OPTS");
        List<AgentOptions> parsed = new ArrayList<>();
        for (Map.Entry<String, String> v : variables.entrySet()) {
            AgentOptions options = agentOptions(v.getValue());
            assertThat(options.heartbeat()).as(v.getKey()).isNotNull();
            parsed.add(options);
            holds(v.getKey(), v.getValue(), options.path());
        }
        assertThat(parsed.get(0).exclusive()).as("one broker per beacon").isTrue();
    }
}
