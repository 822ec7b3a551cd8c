package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Jdk;
import dev.lifeline.testkit.Running;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * This suite runs twice: by lifeline-core on JDK 25 and by lifeline-java17-core on JDK 17. Each run
 * checks that its JVM, and the JVMs its tests start, are the JDK the build selected for it.
 */
class JavaVersionTest {
    @Test
    void theTestsRunOnTheSelectedJdk() {
        Jdk.assertIsTheSelectedOne();
    }

    @Test
    void aRunForJava17RunsOnJava17() {
        if (Jdk.selected().equals("[17,18)")) {
            assertThat(Runtime.version().feature()).isEqualTo(17);
        } else {
            assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);
        }
    }

    @Test
    void childJvmsRunOnTheSameJdk() {
        assertThat(Path.of(Running.javaBinary())).startsWith(Path.of(System.getProperty("java.home")));
    }
}
