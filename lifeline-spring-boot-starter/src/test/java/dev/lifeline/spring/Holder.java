package dev.lifeline.spring;

import dev.lifeline.Beacon;
import dev.lifeline.Heartbeat;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A daemon for the tests, in its own JVM: holds the beacon {@code args[0]}, beats it every third
 * of {@code args[1]} milliseconds if given, says "held", and waits for the end of its input.
 */
public final class Holder {
    private Holder() {
    }

    public static void main(String[] args) throws Exception {
        try (Beacon beacon = Beacon.open(Path.of(args[0]))) {
            Heartbeat heartbeat = null;
            if (args.length > 1) {
                beacon.beat(Duration.ofMillis(Long.parseLong(args[1])));
                // This stand-in daemon has no work that could get stuck, so nothing to watch.
                heartbeat = Heartbeat.whileHealthy(beacon, Duration.ofMillis(Long.parseLong(args[1])), () -> true);
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
