package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which native backend a JVM uses, read from the classes it has loaded: the one
 * {@code lifeline.backend} asks for, else FFM on Java 22 and newer and JNA below (that a default
 * JVM loads nothing of the other backend, nor of JNA on 22 and newer, is BackendLoadingTest's). The
 * JNA backend's test execution on Java 25 ({@code jna-backend} in this module's POM) runs this
 * class too, so that it cannot silently test FFM.
 */
class BackendTest {
    private static final String JNA_CALLS = "dev.lifeline.internal.linux.jna.JnaCalls";
    private static final String FFM_CALLS = "dev.lifeline.internal.linux.ffm.FfmCalls";
    private static final String JDK_CALLS = "dev.lifeline.internal.linux.jdk.JdkCalls";
    /** What the lifeline command passes to check, status and wait (launch.sh). */
    static final List<String> JDK_OPTIONS = Running.JDK_BACKEND;

    @TempDir
    Path dir;

    /** What this JVM should use: the property's choice, else by the Java version. */
    static String expected() {
        String asked = System.getProperty("lifeline.backend", "");
        return !asked.isEmpty() ? asked : Runtime.version().feature() >= 22 ? "ffm" : "jna";
    }

    @Test
    void thisJvmUsesTheBackendAskedFor() throws Exception {
        assertThat(Probe.of(dir.resolve("absent")).check().state()).isEqualTo(Status.State.ABSENT);
        Set<String> loaded = loadedClasses();
        if (expected().equals("jna")) {
            assertThat(loaded).contains(JNA_CALLS, "com.sun.jna.Native").doesNotContain(FFM_CALLS);
        } else if (expected().equals("jdk")) {
            // The check's calls through the JDK's natives; the default backend, made only when a
            // call needs it, is the version's (never JNA on 22+).
            assertThat(loaded).contains(JDK_CALLS);
            if (Runtime.version().feature() >= 22) {
                assertThat(loaded).doesNotContain(JNA_CALLS);
            }
        } else {
            assertThat(loaded).contains(FFM_CALLS).doesNotContain(JNA_CALLS);
        }
    }

    @Test
    void askedForJnaAChildUsesItAndNothingOfFfm() throws Exception {
        List<String> classes = childLoads(List.of("-Dlifeline.backend=jna"));
        assertThat(classes).contains(JNA_CALLS, "com.sun.jna.Native")
                .noneMatch(c -> c.startsWith("dev.lifeline.internal.linux.ffm."));
    }

    /**
     * The lifeline command's way (issue 17): a check through the JDK's own natives links no FFM
     * downcall at all (no downcall stub, no lambda form spun for one), and answers as FFM does.
     * On the JDK the build pins (25), the natives must be there: if a JDK changes their shape,
     * this fails, rather than the command silently falling back to the slower FFM path.
     */
    @Test
    void askedForTheJdksNativesAChildChecksWithoutLinkingAnyDowncall() throws Exception {
        List<String> classes = childLoads(JDK_OPTIONS);
        assertThat(classes).contains(JDK_CALLS)
                .noneMatch(c -> c.startsWith("jdk.internal.foreign.abi.DowncallStub"))
                .noneMatch(c -> c.startsWith("jdk.internal.foreign.abi.DowncallLinker"));
    }

    /** Without --add-opens the JDK's natives cannot be reached: the default backend answers alone. */
    @Test
    void askedForTheJdksNativesWithoutAccessAChildFallsBackToTheDefault() throws Exception {
        List<String> classes = childLoads(List.of("-Dlifeline.backend=jdk"));
        assertThat(classes).doesNotContain(JDK_CALLS + "$JdkPath")
                .contains(Runtime.version().feature() >= 22 ? FFM_CALLS : JNA_CALLS);
    }

    /** The classes a child JVM loads to check one absent path, having answered ABSENT. */
    private List<String> childLoads(List<String> options) throws Exception {
        // Not Running.java, which would pass on this JVM's lifeline.backend.
        List<String> command = new ArrayList<>(List.of(Processes.javaBinary(), "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+load=info:stdout"));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(),
                "check", dir.resolve("absent").toString()));
        Running.Result r = Running.run(new ProcessBuilder(command), Processes.DEADLINE);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("ABSENT");
        List<String> classes = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            int at = line.indexOf("[class,load] ");
            if (at >= 0) {
                String rest = line.substring(at + "[class,load] ".length());
                classes.add(rest.split(" ", 2)[0]);
            }
        }
        assertThat(classes).as("-Xlog:class+load lines").isNotEmpty();
        return classes;
    }

    /** Every class this JVM has loaded, by name, from the VM.class_hierarchy diagnostic command. */
    private static Set<String> loadedClasses() throws Exception {
        String hierarchy = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmClassHierarchy",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Set<String> names = new TreeSet<>();
        for (String line : hierarchy.split("\n")) {
            String name = line.replaceFirst("^[|\\s-]+", "");
            int slash = name.indexOf('/');
            if (slash > 0) {
                names.add(name.substring(0, slash));
            }
        }
        return names;
    }
}
