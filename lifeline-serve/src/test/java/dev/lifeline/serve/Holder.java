package dev.lifeline.serve;

import dev.lifeline.Beacon;
import dev.lifeline.Heartbeat;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A daemon for the tests, in its own JVM: holds a beacon, beats it every third of {@code args[1]}
 * milliseconds if given, says "held", waits for end of input.
 */
public final class Holder {
    private Holder() {
    }

    public static void main(String[] args) throws Exception {
        try (Beacon beacon = Beacon.open(Path.of(args[0]))) {
            Heartbeat heartbeat = null;
            if (args.length > 1) {
                Duration promise = Duration.ofMillis(Long.parseLong(args[1]));
                beacon.beat(promise);
                // Nothing here can get stuck, so nothing to watch: it beats while the JVM runs.
                heartbeat = Heartbeat.whileHealthy(beacon, promise, () -> true);
            }
            System.out.println("held");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // until the test closes our input
            }
            if (heartbeat != null) {
                heartbeat.close();
            }
        }
    }
}
