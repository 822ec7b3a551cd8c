package dev.lifeline.spring;

import dev.lifeline.Status;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one beacon the application depends on, checked when the health is asked for
 * (through {@link LifelineDependencies}, a few microseconds): UP for ALIVE; DOWN for HUNG, DEAD and ABSENT; UNKNOWN
 * when lifeline could not tell (with the fault, errno and reason as details). Details always
 * carry {@code path} and {@code state}, and {@code lastBeat} and {@code deadline} where the
 * holder beats.
 *
 * <p>Concurrency: stateless; safe for concurrent use.
 */
public final class BeaconHealthIndicator implements HealthIndicator {
    private final LifelineDependencies dependencies;
    private final String name;

    /** The health of the beacon configured as {@code lifeline.dependencies.NAME}. */
    public BeaconHealthIndicator(LifelineDependencies dependencies, String name) {
        this.dependencies = Objects.requireNonNull(dependencies, "dependencies");
        this.name = Objects.requireNonNull(name, "name");
        if (!dependencies.paths().containsKey(name)) {
            throw new IllegalArgumentException("no beacon named " + name + " among " + dependencies.paths().keySet());
        }
    }

    @Override
    public Health health() {
        return health(dependencies.status(name).orElseThrow());
    }

    static Health health(Status status) {
        Health.Builder health = switch (status.state()) {
            case ALIVE -> Health.up();
            case HUNG, DEAD, ABSENT -> Health.down();
            case UNKNOWN -> Health.unknown();
        };
        health.withDetail("path", status.path().toString())
                .withDetail("state", status.state().name())
                .withDetail("reason", status.reason());
        status.lastBeat().ifPresent(t -> health.withDetail("lastBeat", t.toString()));
        status.deadline().ifPresent(t -> health.withDetail("deadline", t.toString()));
        status.fault().ifPresent(f -> health.withDetail("fault", f.name()));
        status.errno().ifPresent(e -> health.withDetail("errno", e));
        return health.build();
    }
}
