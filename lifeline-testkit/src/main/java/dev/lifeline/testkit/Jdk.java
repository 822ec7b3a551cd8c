package dev.lifeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDK the build chose for a module's tests: the parent POM passes the toolchain's version
 * range ({@code lifeline.jdk}, such as {@code [25,)} or {@code [17,18)}) to every test JVM as
 * {@code lifeline.test.jdk}, and a test checks that the JVM running it lies in that range, so that
 * a run meant for 17 cannot silently be one on 25.
 */
public final class Jdk {
    private static final Pattern RANGE = Pattern.compile("\\[(\\d+)(?:\\.[\\d.]*)?,(\\d*)(?:\\.[\\d.]*)?\\)");

    private Jdk() {
    }

    /** The version range the build selected the JDK by. */
    public static String selected() {
        String range = System.getProperty("lifeline.test.jdk");
        assertThat(range).as("the system property lifeline.test.jdk (the parent POM's surefire configuration sets it)")
                .isNotNull();
        return range;
    }

    /** Fails unless this JVM's feature version lies in the range the build selected its JDK by. */
    public static void assertIsTheSelectedOne() {
        String range = selected();
        Matcher m = RANGE.matcher(range);
        assertThat(m.matches()).as("a range [FROM,TO) or [FROM,): %s", range).isTrue();
        int feature = Runtime.version().feature();
        int from = Integer.parseInt(m.group(1));
        assertThat(feature).as("the JVM running the tests (%s), selected by %s", System.getProperty("java.home"), range)
                .isGreaterThanOrEqualTo(from);
        if (!m.group(2).isEmpty()) {
            assertThat(feature).as("the JVM running the tests (%s), selected by %s", System.getProperty("java.home"), range)
                    .isLessThan(Integer.parseInt(m.group(2)));
        }
    }
}
