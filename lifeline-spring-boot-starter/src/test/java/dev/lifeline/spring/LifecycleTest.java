package dev.lifeline.spring;

import static dev.lifeline.spring.Fixtures.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconException;
import dev.lifeline.Fault;
import dev.lifeline.Heartbeat;
import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.nio.file.Path;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** Real Spring Boot applications (no web server) started and closed by the test itself. */
@ExtendWith(OutputCaptureExtension.class)
class LifecycleTest {
    @TempDir
    Path dir;

    private static ConfigurableApplicationContext run(String... properties) {
        SpringApplication app = new SpringApplicationBuilder(TestApplication.class)
                .web(WebApplicationType.NONE).properties(properties).build();
        return app.run();
    }

    @Test
    void beaconAliveWhileTheApplicationRunsAbsentAfterItCloses() {
        Path beacon = dir.resolve("app");
        ConfigurableApplicationContext context = run("lifeline.beacon.path=" + beacon);
        try {
            assertThat(Probe.of(beacon).check().state()).isEqualTo(Status.State.ALIVE);
            assertThat(context.getBean(Beacon.class).isExclusive()).isTrue();
            assertThat(context.getBean(Heartbeat.class).promise()).hasSeconds(10);
        } finally {
            context.close();
        }
        assertThat(Probe.of(beacon).check().state()).isEqualTo(Status.State.ABSENT);
    }

    /**
     * A bare NAME means what it means to {@code lifeline hold NAME} and {@code lifeline check NAME}:
     * NAME in the default beacon directory (made if missing), never {@code ./NAME} in the working
     * directory.
     */
    @Test
    void aBareNameLivesInTheDefaultDirectoryWhereTheCliLooks() throws Exception {
        String name = "starter-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path expected = dev.lifeline.Lifeline.defaultDirectory().resolve(name);
        try (ConfigurableApplicationContext context = run("lifeline.beacon.path=" + name,
                "lifeline.dependencies.self=" + name)) {
            assertThat(Probe.of(expected).check().state()).as(expected.toString()).isEqualTo(Status.State.ALIVE);
            assertThat(java.nio.file.Files.exists(Path.of(name), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .as("nothing in the working directory").isFalse();
            assertThat(context.getBean(LifelineDependencies.class).paths()).containsEntry("self", expected);
        }
        assertThat(Probe.of(expected).check().state()).isEqualTo(Status.State.ABSENT);
    }

    @Test
    void aSecondInstanceOnTheSameBeaconFailsToStartAndSaysWhy(CapturedOutput output) {
        Path beacon = dir.resolve("app");
        try (ConfigurableApplicationContext first = run("lifeline.beacon.path=" + beacon)) {
            assertThatThrownBy(() -> run("lifeline.beacon.path=" + beacon))
                    .rootCause().asInstanceOf(InstanceOfAssertFactories.type(BeaconException.class))
                    .extracting(BeaconException::fault).isEqualTo(Fault.HELD);
            assertThat(Probe.of(beacon).check().state()).isEqualTo(Status.State.ALIVE);
            assertThat(first.isActive()).isTrue();
            assertThat(output.getOut() + output.getErr())
                    .contains("APPLICATION FAILED TO START")
                    .contains("lifeline could not hold the application's beacon (lifeline.beacon.path): " + beacon)
                    .contains("most likely another instance of this application");
        }
        awaitState(beacon, Status.State.ABSENT);
    }

    @Test
    void nothingWithoutConfiguration() {
        try (ConfigurableApplicationContext context = run()) {
            assertThat(context.getBeanNamesForType(Beacon.class)).isEmpty();
            assertThat(context.getBeanNamesForType(Heartbeat.class)).isEmpty();
            assertThat(context.getBeanNamesForType(LifelineDependencies.class)).isEmpty();
        }
    }
}
