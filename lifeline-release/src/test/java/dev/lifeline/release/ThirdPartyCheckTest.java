package dev.lifeline.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The THIRD-PARTY check, on the project's own THIRD-PARTY and on lists in the format
 * maven-dependency-plugin writes (copied from a real lifeline-cli build). The first two tests run
 * it as the build does, {@code java ThirdPartyCheck.java THIRD-PARTY MODULE LIST} through the
 * source launcher, exit status and all; the others (each launch compiles it again, seconds on a
 * busy machine) call the same code in this JVM.
 */
class ThirdPartyCheckTest {

    static final Path ROOT = Path.of(System.getProperty("lifeline.root", "..")).toAbsolutePath().normalize();
    /** The published modules with a jar; the parent is published as a POM alone. */
    static final List<String> PUBLISHED_JARS =
            List.of("lifeline-core", "lifeline-serve", "lifeline-cli", "lifeline-spring-boot-starter");
    static final Path SOURCE = ROOT.resolve("lifeline-release/src/main/java/dev/lifeline/release/ThirdPartyCheck.java");

    /** lifeline-cli's dependency:list, as the build writes it. */
    static final String CLI_LIST = """

            The following files have been resolved:
               info.picocli:picocli:jar:4.7.7:compile -- module info.picocli
               io.prometheus:prometheus-metrics-config:jar:1.10.0:compile -- module io.prometheus.metrics.config [auto]
               io.prometheus:prometheus-metrics-core:jar:1.10.0:compile -- module io.prometheus.metrics.core [auto]
               io.prometheus:prometheus-metrics-exposition-formats:jar:1.10.0:runtime -- module io.prometheus.metrics.expositionformats [auto]
               org.hdrhistogram:HdrHistogram:jar:2.2.2:runtime (optional) -- module HdrHistogram (auto)

            """;

    @TempDir
    Path dir;

    record Run(int status, String stderr) {}

    Run check(String thirdParty, String list) throws IOException, InterruptedException {
        Path thirdPartyFile = Files.writeString(dir.resolve("THIRD-PARTY"), thirdParty);
        Path listFile = Files.writeString(dir.resolve("runtime-dependencies.txt"), list);
        return run(thirdPartyFile, listFile);
    }

    Run run(Path thirdPartyFile, Path listFile) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), SOURCE.toString(), thirdPartyFile.toString(),
                "lifeline-cli", listFile.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the check ends").isTrue();
        return new Run(process.exitValue(), stderr);
    }

    static String projectThirdParty() throws IOException {
        return Files.readString(ROOT.resolve("THIRD-PARTY"));
    }

    @Test
    void passesWhenEveryDependencyIsListedWithItsVersion() throws Exception {
        Run run = check(projectThirdParty(), CLI_LIST);
        assertThat(run.stderr()).isEmpty();
        assertThat(run.status()).isZero();
    }

    @Test
    void failsWhenADependencyIsNotListed() throws Exception {
        String without = projectThirdParty().lines()
                .filter(line -> !line.startsWith("io.prometheus:prometheus-metrics-core:"))
                .reduce("", (a, b) -> a + b + "\n");
        assertThat(without).isNotEqualTo(projectThirdParty());

        Run run = check(without, CLI_LIST);

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("THIRD-PARTY check: lifeline-cli depends on "
                + "io.prometheus:prometheus-metrics-core:1.10.0, which THIRD-PARTY does not list: check that its "
                + "licence is compatible with Apache-2.0, then add a line for it\n");
    }

    static List<String> problems(String thirdParty, String list) throws ThirdPartyCheck.BadInput {
        return ThirdPartyCheck.problems("lifeline-cli", ThirdPartyCheck.listed(thirdParty.lines().toList()),
                ThirdPartyCheck.resolved(list.lines().toList()));
    }

    @Test
    void failsWhenADependencyIsListedWithAnotherVersion() throws Exception {
        String older = projectThirdParty().replace("info.picocli:picocli:4.7.7 ", "info.picocli:picocli:4.7.6 ");
        assertThat(older).isNotEqualTo(projectThirdParty());

        assertThat(problems(older, CLI_LIST)).containsExactly("lifeline-cli depends on info.picocli:picocli:4.7.7, "
                + "which THIRD-PARTY lists with version 4.7.6: correct the line (and check the licence again)");
    }

    @Test
    void optionalAndRuntimeScopedDependenciesCountToo() throws Exception {
        String without = projectThirdParty().lines()
                .filter(line -> !line.startsWith("org.hdrhistogram:") && !line.startsWith("io.prometheus:prometheus-metrics-exposition-formats:"))
                .reduce("", (a, b) -> a + b + "\n");

        assertThat(problems(without, CLI_LIST)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("org.hdrhistogram:HdrHistogram:2.2.2"))
                .anySatisfy(p -> assertThat(p).contains("prometheus-metrics-exposition-formats:1.10.0"));
    }

    @Test
    void aModuleWithoutDependenciesPasses() throws Exception {
        assertThat(problems(projectThirdParty(), "\nThe following files have been resolved:\n   none\n\n")).isEmpty();
    }

    @Test
    void anEntryWithoutLicenceIsRefused() {
        assertThatThrownBy(() -> problems(projectThirdParty() + "org.example:thing:1.0\n", CLI_LIST))
                .isInstanceOf(ThirdPartyCheck.BadInput.class).hasMessageContaining("org.example:thing:1.0 has no licence");
    }

    @Test
    void aListItCannotReadIsRefusedRatherThanPassed() {
        assertThatThrownBy(() -> problems(projectThirdParty(), "The following files have been resolved:\n   picocli 4.7.7\n"))
                .isInstanceOf(ThirdPartyCheck.BadInput.class).hasMessageContaining("not a line of dependency:list: picocli 4.7.7");
    }

    /**
     * The other way round: every THIRD-PARTY entry is still a dependency of a published module,
     * as their latest build resolved them (each module's verify checked its own already).
     */
    @Test
    void thirdPartyListsNothingThatNoPublishedModuleUses() throws Exception {
        var used = new java.util.TreeSet<String>();
        for (String module : PUBLISHED_JARS) {
            Path list = ROOT.resolve(module).resolve("target/runtime-dependencies.txt");
            assertThat(list).as("written by %s's package phase: build the published modules first", module).isRegularFile();
            used.addAll(ThirdPartyCheck.resolved(Files.readAllLines(list)));
        }
        List<String> listed = projectThirdParty().lines()
                .map(line -> line.split("\\s+")[0])
                .filter(first -> first.matches("[\\w.-]+:[\\w.-]+:[^:\\s]+"))
                .toList();
        assertThat(listed).as("THIRD-PARTY entries").isNotEmpty();
        assertThat(used).as("dependencies resolved by this build's published modules").isNotEmpty();
        assertThat(listed).as("THIRD-PARTY entries that no published module resolves (stale)").isSubsetOf(used);
    }
}
