package dev.lifeline.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code lifeline.*} properties: the application's own beacon, and the beacons of the daemons
 * it depends on.
 *
 * <pre>
 * lifeline.beacon.path=/run/lifeline/orders        # absent: the application holds no beacon
 * lifeline.beacon.heartbeat=10s                    # each beat promises this; beats every third of it
 * lifeline.beacon.exclusive=true                   # a second instance on the same beacon fails to start
 * lifeline.dependencies.postgres=/run/lifeline/postgres
 * </pre>
 *
 * <p>Concurrency: a mutable bean, bound once at start-up; read only after that.
 */
@ConfigurationProperties("lifeline")
public class LifelineProperties {
    private final Beacon beacon = new Beacon();
    private Map<String, Path> dependencies = new LinkedHashMap<>();

    /** The application's own beacon. */
    public Beacon getBeacon() {
        return beacon;
    }

    /** Beacons of the daemons this application depends on, by the name health and metrics show. */
    public Map<String, Path> getDependencies() {
        return dependencies;
    }

    public void setDependencies(Map<String, Path> dependencies) {
        this.dependencies = dependencies;
    }

    /** {@code lifeline.beacon.*}. */
    public static class Beacon {
        private Path path;
        private boolean exclusive = true;
        private boolean trustDirectory;
        private Duration heartbeat = Duration.ofSeconds(10);

        /** Where the application holds its beacon; none if unset. */
        public Path getPath() {
            return path;
        }

        public void setPath(Path path) {
            this.path = path;
        }

        /**
         * Hold the beacon exclusively ({@code BeaconOption.EXCLUSIVE}): while this application
         * lives, a second one configured with the same path fails to start. Default true.
         */
        public boolean isExclusive() {
            return exclusive;
        }

        public void setExclusive(boolean exclusive) {
            this.exclusive = exclusive;
        }

        /**
         * Hold the beacon even in a directory others could rearrange, or on a remote file system
         * ({@code BeaconOption.TRUST_DIRECTORY}). Default false.
         */
        public boolean isTrustDirectory() {
            return trustDirectory;
        }

        public void setTrustDirectory(boolean trustDirectory) {
            this.trustDirectory = trustDirectory;
        }

        /**
         * What each beat promises: probes answer HUNG once this much time has passed since the
         * last beat. Beats come every third of it while the liveness state is CORRECT. Default 10s.
         */
        public Duration getHeartbeat() {
            return heartbeat;
        }

        public void setHeartbeat(Duration heartbeat) {
            this.heartbeat = heartbeat;
        }
    }
}
