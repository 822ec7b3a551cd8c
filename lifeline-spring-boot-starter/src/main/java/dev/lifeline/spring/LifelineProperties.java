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
 * lifeline.beacon.path=/run/lifeline/orders        # absent: the application holds no beacon; a bare
 *                                                 # NAME lives in the default beacon directory, as
 *                                                 # for lifeline hold NAME (Lifeline.beaconPath)
 * lifeline.beacon.heartbeat=10s                    # each beat promises this; beats every third of it
 * lifeline.beacon.exclusive=true                   # a second instance on the same beacon fails to start
 * lifeline.dependencies.postgres=/run/lifeline/postgres
 * </pre>
 *
 * <p>Concurrency: a mutable bean, bound once at start-up; read only after that.
 */
@ConfigurationProperties("lifeline")
public class LifelineProperties {
    /** The application's own beacon. */
    private final Beacon beacon = new Beacon();

    /**
     * Beacons of the daemons this application depends on, by the name that health and metrics
     * show.
     */
    private Map<String, Path> dependencies = new LinkedHashMap<>();

    public Beacon getBeacon() {
        return beacon;
    }

    public Map<String, Path> getDependencies() {
        return dependencies;
    }

    public void setDependencies(Map<String, Path> dependencies) {
        this.dependencies = dependencies;
    }

    /** {@code lifeline.beacon.*}. */
    public static class Beacon {
        /** Where the application holds its beacon, a FIFO; unset: no beacon. */
        private Path path;

        /**
         * Hold the beacon exclusively: while this application lives, another one configured with
         * the same path fails to start.
         */
        private boolean exclusive = true;

        /**
         * Hold the beacon even in a directory others could rearrange, or on a remote file system.
         */
        private boolean trustDirectory = false;

        /**
         * What each beat promises: probes answer HUNG once this long has passed since the last
         * beat. Beats come every third of it, while the liveness state is CORRECT.
         */
        private Duration heartbeat = Duration.ofSeconds(10);

        public Path getPath() {
            return path;
        }

        public void setPath(Path path) {
            this.path = path;
        }

        public boolean isExclusive() {
            return exclusive;
        }

        public void setExclusive(boolean exclusive) {
            this.exclusive = exclusive;
        }

        public boolean isTrustDirectory() {
            return trustDirectory;
        }

        public void setTrustDirectory(boolean trustDirectory) {
            this.trustDirectory = trustDirectory;
        }

        public Duration getHeartbeat() {
            return heartbeat;
        }

        public void setHeartbeat(Duration heartbeat) {
            this.heartbeat = heartbeat;
        }
    }
}
