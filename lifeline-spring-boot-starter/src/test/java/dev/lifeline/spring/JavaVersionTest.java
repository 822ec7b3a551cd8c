package dev.lifeline.spring;

import dev.lifeline.testkit.Jdk;
import org.junit.jupiter.api.Test;

/**
 * This suite runs twice: by the starter on JDK 25 and by lifeline-java17-starter on JDK 17 (Boot
 * 4's baseline). Each run checks that its JVM is the JDK the build selected for it.
 */
class JavaVersionTest {
    @Test
    void theTestsRunOnTheSelectedJdk() {
        Jdk.assertIsTheSelectedOne();
    }
}
