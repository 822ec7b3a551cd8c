package dev.lifeline.spring;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The beacons the application depends on, each with its {@link Probe}: {@link #status(String)}
 * checks the beacon at that moment (one non-blocking {@code open}, a few microseconds), so a
 * health check or a metric scrape shows what {@code lifeline check} would show then, heartbeat
 * age and deadline included.
 *
 * <p>Why not a {@link dev.lifeline.Watcher} feeding a cache: a watcher reports changes of state,
 * and a holder that keeps beating never changes state, so a cached status kept the last beat and
 * the deadline of its first report for as long as the holder lived ("beats on time", with a
 * deadline long past). A check per read is as cheap as reading a cache would be worth.
 *
 * <p>Concurrency: immutable and safe for concurrent use. Each read is its own check, so two
 * gauges read during a scrape may come from checks a few microseconds apart. {@link #close()}
 * releases nothing (a probe holds no descriptor) and is kept for the bean's life cycle.
 */
public final class LifelineDependencies implements AutoCloseable {
    private final Map<String, Path> paths;
    private final Map<String, Probe> probes = new LinkedHashMap<>();

    /**
     * Prepares a probe for every beacon; nothing is checked until {@link #status(String)}.
     *
     * @param paths beacon paths by name; may be empty
     */
    public LifelineDependencies(Map<String, Path> paths) {
        this.paths = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(paths, "paths")));
        for (Map.Entry<String, Path> e : this.paths.entrySet()) {
            probes.put(e.getKey(), Probe.of(e.getValue()));
        }
    }

    /** The followed beacons' paths, by name, in the order configured. */
    public Map<String, Path> paths() {
        return paths;
    }

    /** The status of the beacon named {@code name}, checked now; empty for a name not configured. */
    public Optional<Status> status(String name) {
        Probe probe = probes.get(name);
        return probe == null ? Optional.empty() : Optional.of(probe.check());
    }

    /** Nothing to release: a probe holds no descriptor between checks. */
    @Override
    public void close() {
        // kept so that the bean's destroy method and try-with-resources stay valid
    }

    @Override
    public String toString() {
        return "LifelineDependencies" + paths;
    }
}
