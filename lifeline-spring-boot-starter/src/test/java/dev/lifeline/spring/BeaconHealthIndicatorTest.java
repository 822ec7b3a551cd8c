package dev.lifeline.spring;

import static dev.lifeline.spring.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Each beacon state as a health, through a real watcher on real FIFOs (no Spring context). */
class BeaconHealthIndicatorTest {
    @TempDir
    Path dir;

    @Test
    void upForAliveDownForDeadAbsentAndHung() throws Exception {
        Path alive = dir.resolve("alive");
        Path dead = dir.resolve("dead");
        Path hung = dir.resolve("hung");
        Map<String, Path> paths = new LinkedHashMap<>();
        paths.put("alive", alive);
        paths.put("dead", dead);
        paths.put("absent", dir.resolve("absent"));
        paths.put("hung", hung);
        Beacon.open(dead, BeaconOption.KEEP_ON_CLOSE).close();
        try (Beacon held = Beacon.open(alive);
                Beacon stalled = Beacon.open(hung);
                LifelineDependencies dependencies = new LifelineDependencies(paths)) {
            stalled.beat(Duration.ofMillis(50)); // and never again

            Health up = new BeaconHealthIndicator(dependencies, "alive").health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("state", "ALIVE").containsEntry("path", alive.toString())
                    .doesNotContainKeys("lastBeat", "deadline", "fault", "errno");

            Health gone = new BeaconHealthIndicator(dependencies, "dead").health();
            assertThat(gone.getStatus()).isEqualTo(Status.DOWN);
            assertThat(gone.getDetails()).containsEntry("state", "DEAD");

            Health absent = new BeaconHealthIndicator(dependencies, "absent").health();
            assertThat(absent.getStatus()).isEqualTo(Status.DOWN);
            assertThat(absent.getDetails()).containsEntry("state", "ABSENT");

            BeaconHealthIndicator indicator = new BeaconHealthIndicator(dependencies, "hung");
            Health down = await("hung's health", indicator::health, h -> "HUNG".equals(h.getDetails().get("state")));
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            Instant lastBeat = Instant.parse((String) down.getDetails().get("lastBeat"));
            Instant deadline = Instant.parse((String) down.getDetails().get("deadline"));
            assertThat(Duration.between(lastBeat, deadline)).isEqualTo(Duration.ofMillis(50));
            assertThat(deadline).isBefore(Instant.now());
        }
    }

    @Test
    void aNameNotConfiguredIsRefused() {
        try (LifelineDependencies dependencies = new LifelineDependencies(Map.of("db", dir.resolve("db")))) {
            assertThatThrownBy(() -> new BeaconHealthIndicator(dependencies, "cache"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache");
        }
    }
}
