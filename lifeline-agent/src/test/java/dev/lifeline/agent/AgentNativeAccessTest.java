package dev.lifeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Lifeline;
import dev.lifeline.Probe;
import dev.lifeline.Status.State;
import dev.lifeline.testkit.Running;
import java.nio.file.Files;
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
        try (Running jvm = Jvm.start(Jvm.program(List.of(Jvm.agent(beacon + ",heartbeat=1s")), "Idle"),
                Map.of())) {
            jvm.awaitLine("running"::equals, Jvm.START);
            Jvm.await(Probe.of(beacon), State.ALIVE, Jvm.START);
            jvm.closeStdin();
            assertThat(jvm.exit(Duration.ofSeconds(60))).isZero();
            assertThat(jvm.stderr()).as("nothing on stderr, no WARNING in particular").isEmpty();
        }
    }

    @Test
    void theJdkIgnoresEnableNativeAccessInAnAgentsManifest() throws Exception {
        // Why the agent grants native access itself. A plain agent with the attribute, calling
        // one restricted method in premain: the JDK still warns. If a JDK ever honours the
        // attribute for agents, this fails, and docs/agent.md should say so.
        Path src = Files.createDirectories(dir.resolve("src/plain"));
        Files.writeString(src.resolve("PlainAgent.java"), """
                package plain;
                import java.lang.foreign.*;
                public class PlainAgent {
                    public static void premain(String args, java.lang.instrument.Instrumentation inst) {
                        Linker linker = Linker.nativeLinker();
                        linker.downcallHandle(linker.defaultLookup().find("getpid").orElseThrow(),
                                FunctionDescriptor.of(ValueLayout.JAVA_INT));
                    }
                }
                """);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", classes.toString(), src.resolve("PlainAgent.java").toString())).isZero();
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", "plain.PlainAgent");
        manifest.getMainAttributes().putValue("Enable-Native-Access", "ALL-UNNAMED");
        Path jar = dir.resolve("plain-agent.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new java.util.jar.JarEntry("plain/PlainAgent.class"));
            out.write(Files.readAllBytes(classes.resolve("plain/PlainAgent.class")));
            out.closeEntry();
        }
        try (Running jvm = Jvm.start(List.of(Jvm.java(), "-javaagent:" + jar, "-cp", Jvm.programs(),
                "dev.lifeline.agent.programs.Idle"), Map.of())) {
            jvm.awaitLine("running"::equals, Jvm.START);
            jvm.closeStdin();
            assertThat(jvm.exit(Duration.ofSeconds(60))).isZero();
            assertThat(jvm.stderr()).contains("WARNING: A restricted method in java.lang.foreign.Linker has been called")
                    .contains("--enable-native-access=ALL-UNNAMED");
        }
    }

    @Test
    void theJarIsShadedAndRelocated() throws Exception {
        // No Enable-Native-Access in this build's manifest: the JDK would ignore it (above), and
        // it would mislead.
        try (JarFile jar = new JarFile(Jvm.AGENT.toFile())) {
            var attributes = jar.getManifest().getMainAttributes();
            assertThat(attributes.getValue("Premain-Class")).isEqualTo(Agent.class.getName());
            assertThat(attributes.getValue("Enable-Native-Access")).isNull();
            assertThat(jar.stream().map(e -> e.getName()))
                    .as("lifeline-core is inside, relocated; nothing else is")
                    .contains("dev/lifeline/agent/shaded/Beacon.class", "dev/lifeline/agent/shaded/internal/linux/LinuxPlatform.class")
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
        try (Running jvm = Jvm.start(command, Map.of())) {
            String line = jvm.awaitLine(l -> l.startsWith("own "), Jvm.START);
            assertThat(line).startsWith("own ALIVE ").endsWith(core.toString());
            assertThat(jvm.exit(Duration.ofSeconds(60))).isZero();
            assertThat(jvm.stderr()).isEmpty();
        }
    }
}
