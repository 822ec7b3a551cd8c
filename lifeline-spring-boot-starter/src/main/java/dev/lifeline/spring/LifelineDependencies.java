package dev.lifeline.spring;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.Watcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last known status of each beacon the application depends on, kept current by one
 * {@link Watcher}: a holder's death, start, missed deadline or renewed beat updates it as it
 * happens. Health checks and metric scrapes read it; none of them touches a FIFO.
 *
 * <p>Each status is first taken with one {@link Probe#check()} at construction, before the
 * watcher starts following the path, so a reader never finds a beacon without a status.
 *
 * <p>Concurrency: safe for concurrent use. {@link #close()} stops the watcher; it is idempotent.
 * After it, the statuses stay as they were last seen.
 */
public final class LifelineDependencies implements AutoCloseable {
    private final Map<String, Path> paths;
    private final Map<Path, Status> statuses = new ConcurrentHashMap<>();
    private final Watcher watcher;

    /**
     * Checks every beacon once, then follows them all from one watcher thread.
     *
     * @param paths beacon paths by name; may be empty, and then no watcher is started
     * @throws UncheckedIOException if the watcher cannot start (no descriptor left)
     */
    public LifelineDependencies(Map<String, Path> paths) {
        this.paths = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(paths, "paths")));
        for (Path path : this.paths.values()) {
            statuses.put(path, Probe.of(path).check());
        }
        if (this.paths.isEmpty()) {
            watcher = null;
            return;
        }
        try {
            watcher = Watcher.start(change -> statuses.put(change.path(), change.status()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path path : this.paths.values()) {
            watcher.watch(path);
        }
    }

    /** The followed beacons' paths, by name, in the order configured. */
    public Map<String, Path> paths() {
        return paths;
    }

    /** The last status seen for the beacon named {@code name}; empty for a name not configured. */
    public Optional<Status> status(String name) {
        Path path = paths.get(name);
        return path == null ? Optional.empty() : Optional.of(statuses.get(path));
    }

    /** Stops following the beacons. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
    }

    @Override
    public String toString() {
        return "LifelineDependencies" + paths;
    }
}
