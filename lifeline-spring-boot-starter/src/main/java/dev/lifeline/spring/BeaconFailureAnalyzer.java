package dev.lifeline.spring;

import dev.lifeline.BeaconException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a start-up that failed because the application's beacon could not be held into Spring
 * Boot's "APPLICATION FAILED TO START" report: what lifeline found at the path, and what to do,
 * by {@link dev.lifeline.Fault}.
 *
 * <p>Concurrency: stateless; safe for concurrent use.
 */
final class BeaconFailureAnalyzer extends AbstractFailureAnalyzer<BeaconException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BeaconException cause) {
        String description = "lifeline could not hold the application's beacon (lifeline.beacon.path): "
                + cause.getMessage();
        String action = switch (cause.fault()) {
            case HELD -> "Another live process holds this beacon: most likely another instance of this application"
                    + " (lifeline.beacon.exclusive admits one). Stop it, or give this instance its own"
                    + " lifeline.beacon.path.";
            case NOT_A_FIFO, SYMLINK, NOT_OWNER -> "Something other than a FIFO of this user is at the path;"
                    + " lifeline leaves it untouched. Remove it, or choose another lifeline.beacon.path.";
            case NO_SUCH_DIRECTORY, NOT_A_DIRECTORY -> "Create the beacon's directory before the application"
                    + " starts (for example with systemd's RuntimeDirectory=), or choose another lifeline.beacon.path.";
            case ACCESS_DENIED, READ_ONLY_FILE_SYSTEM -> "Let the application's user create a FIFO in the beacon's"
                    + " directory, or choose another lifeline.beacon.path.";
            case UNSAFE_DIRECTORY, REMOTE_FILE_SYSTEM -> "Whoever can rearrange that directory can make a dead"
                    + " application look alive. Hold the beacon in a directory of this user or root on a local"
                    + " file system, or set lifeline.beacon.trust-directory=true to accept the risk.";
            default -> "Check lifeline.beacon.path and the system's limits.";
        };
        return new FailureAnalysis(description, action, cause);
    }
}
