package dev.lifeline.agent;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.testkit.Await;
import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real child JVMs (or JDK tools) for the agent's tests, run through the test kit's {@link Running}. */
final class Jvm {
    /** The agent jar built by this module, as -javaagent: names it. */
    static final Path AGENT = Path.of(System.getProperty("lifeline.agent.jar", "target/lifeline-agent.jar")).toAbsolutePath();
    /** Generous bound for a JVM to start on a loaded 2-core machine. */
    static final Duration START = Duration.ofSeconds(90);
    /** Between two looks at a probe: the agent beats every third of a heartbeat, no faster. */
    private static final Duration LOOK = Duration.ofMillis(5);

    private Jvm() {
    }

    static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    static String java() {
        return javaHome().resolve("bin/java").toString();
    }

    /** Where the test programs' classes are. */
    static String programs() {
        try {
            return Path.of(Jvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code -javaagent:AGENT=options}. */
    static String agent(String options) {
        return "-javaagent:" + AGENT + "=" + options;
    }

    /** {@code java [jvmOptions] -cp programs dev.lifeline.agent.programs.PROGRAM args}. */
    static List<String> program(List<String> jvmOptions, String program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(programs());
        command.add("dev.lifeline.agent.programs." + program);
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code command} with {@code env} added, and without the JVM option variables of this one. */
    static Running start(List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().putAll(env);
        return Running.start(builder, START);
    }

    /** Starts the test program {@code program} with the agent of this build, given {@code agentOptions}. */
    static Running withAgent(String agentOptions, String program) {
        return start(program(List.of(agent(agentOptions)), program), Map.of());
    }

    /** What a finished JVM said: its exit status and standard error. */
    record Outcome(int status, String stderr) {
    }

    /** Standard error without the JVM's own "Picked up JAVA_TOOL_OPTIONS" notice. */
    static String stderrOfOthers(Running jvm) {
        return jvm.stderr().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS:"))
                .map(l -> l + "\n").reduce("", String::concat);
    }

    /** Polls the probe until it answers {@code state}, bounded; returns that answer. */
    static Status await(Probe probe, Status.State state, Duration timeout) {
        return Await.until(state.toString(), probe::check, s -> s.state() == state, timeout, LOOK);
    }

    /** Polls the probe until it answers ALIVE with a beat recorded (the agent beats), bounded. */
    static Status awaitBeating(Probe probe, Duration timeout) {
        return Await.until("ALIVE with a beat", probe::check,
                s -> s.state() == Status.State.ALIVE && s.lastBeat().isPresent(), timeout, LOOK);
    }

    /** A beacon file name unique to the test. */
    static Path beacon(Path dir, String name) throws IOException {
        return Files.createDirectories(dir).resolve(name);
    }
}
