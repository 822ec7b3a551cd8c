package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Lifeline#beaconPath}, {@link Lifeline#defaultDirectory}: the one rule for bare beacon names. */
class DefaultDirectoryTest {
    @Test
    void theRuntimeDirectoryFirstThenRunForRootThenTmpPerUser() {
        assertThat(Lifeline.defaultDirectory(Map.of("XDG_RUNTIME_DIR", "/r/1000"), 1000)).isEqualTo(Path.of("/r/1000/lifeline"));
        assertThat(Lifeline.defaultDirectory(Map.of(), 0)).isEqualTo(Path.of("/run/lifeline"));
        assertThat(Lifeline.defaultDirectory(Map.of(), 1000)).isEqualTo(Path.of("/tmp/lifeline-1000"));
        assertThat(Lifeline.defaultDirectory(Map.of("XDG_RUNTIME_DIR", "relative"), 0)).isEqualTo(Path.of("/run/lifeline"));
    }

    @Test
    void aBareNameResolvesThereAndAnythingWithASlashIsAPath() throws Exception {
        long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        Path expected = Lifeline.defaultDirectory(System.getenv(), uid);
        assertThat(Lifeline.defaultDirectory()).isEqualTo(expected);
        assertThat(Lifeline.beaconPath("worker")).isEqualTo(expected.resolve("worker"));
        assertThat(Lifeline.beaconPath("./worker")).isEqualTo(Path.of("./worker"));
        assertThat(Lifeline.beaconPath("/srv/worker")).isEqualTo(Path.of("/srv/worker"));
        assertThat(Lifeline.beaconPath("..")).isEqualTo(Path.of(".."));
        assertThat(Lifeline.isBareName("")).isFalse();
        assertThat(Lifeline.isBareName(".")).isFalse();
        assertThat(Lifeline.isBareName("w.beacon")).isTrue();
    }
}
