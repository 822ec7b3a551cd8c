package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
    @Test
    void demoRunsEveryStepAndCleansUp() {
        Running.Result r = Cli.run("demo");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).as("nothing went wrong, and no JVM warning either").isEmpty();
        assertThat(r.stdout())
                .contains(": alive")
                .contains(": dead (")
                .contains(": absent (")
                .contains("refused: ")
                .contains("cost of one check: median ")
                .contains("done: every answer was as expected");

        Matcher beacon = Pattern.compile("(?m)^beacon: (.+)$").matcher(r.stdout());
        assertThat(beacon.find()).as("the demo names its beacon").isTrue();
        Path directory = Path.of(beacon.group(1)).getParent();
        assertThat(Files.exists(directory)).as(directory + " removed").isFalse();
    }
}
