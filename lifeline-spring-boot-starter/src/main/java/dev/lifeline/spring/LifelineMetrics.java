package dev.lifeline.spring;

import dev.lifeline.Status;
import dev.lifeline.StatusJson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer gauges for the beacons the application depends on, named and tagged as
 * {@code lifeline serve} names its Prometheus metrics, so one dashboard or alert rule serves both.
 * Tags on every gauge: {@code beacon} (the configured name) and {@code path}.
 *
 * <ul>
 *   <li>{@code lifeline.beacon.up}: 1 while ALIVE, else 0.
 *   <li>{@code lifeline.beacon.state}, tag {@code state} = alive, hung, dead, absent, unknown: 1
 *       for the current state, 0 for the other four (a state set: {@code == 1} selects, no codes
 *       to remember).
 *   <li>{@code lifeline.beacon.heartbeat.age} (seconds): time since the holder's last beat; NaN
 *       for a holder that does not beat.
 *   <li>{@code lifeline.beacon.heartbeat.deadline} (seconds): the deadline the holder promised
 *       for its next beat, as Unix time; NaN for a holder that does not beat.
 * </ul>
 *
 * <p>Every gauge checks its beacon when it is read (a few microseconds): the figures are as fresh
 * as {@code lifeline check} at the scrape, never those of an earlier report.
 *
 * <p>Concurrency: safe for concurrent use.
 */
public final class LifelineMetrics implements MeterBinder {
    private final LifelineDependencies dependencies;

    public LifelineMetrics(LifelineDependencies dependencies) {
        this.dependencies = Objects.requireNonNull(dependencies, "dependencies");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Map.Entry<String, Path> e : dependencies.paths().entrySet()) {
            String name = e.getKey();
            Tags tags = Tags.of("beacon", name, "path", e.getValue().toString());
            gauge(registry, "lifeline.beacon.up", "1 while a process holds the beacon and keeps any heartbeat promise, else 0",
                    tags, null, name, s -> s.state() == Status.State.ALIVE ? 1 : 0);
            for (Status.State state : Status.State.values()) {
                gauge(registry, "lifeline.beacon.state", "1 for the beacon's current state, else 0",
                        tags.and("state", StatusJson.name(state)), null, name,
                        s -> s.state() == state ? 1 : 0);
            }
            gauge(registry, "lifeline.beacon.heartbeat.age", "Time since the holder's last beat",
                    tags, "seconds", name,
                    s -> s.lastBeat().map(t -> (System.currentTimeMillis() - t.toEpochMilli()) / 1000.0).orElse(Double.NaN));
            gauge(registry, "lifeline.beacon.heartbeat.deadline", "The deadline the holder promised for its next beat, Unix time",
                    tags, "seconds", name,
                    s -> s.deadline().map(t -> t.toEpochMilli() / 1000.0).orElse(Double.NaN));
        }
    }

    private void gauge(MeterRegistry registry, String metric, String description, Tags tags, String unit,
            String name, ToDoubleFunction<Status> value) {
        Gauge.builder(metric, dependencies, d -> value.applyAsDouble(d.status(name).orElseThrow()))
                .description(description).tags(tags).baseUnit(unit).strongReference(true).register(registry);
    }
}
