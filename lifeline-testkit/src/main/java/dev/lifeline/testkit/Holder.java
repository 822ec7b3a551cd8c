package dev.lifeline.testkit;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconException;
import dev.lifeline.BeaconOption;
import dev.lifeline.Heartbeat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A daemon for the tests, in a JVM of its own: {@code Holder PATH [exclusive] [MILLIS]} holds the
 * beacon PATH (exclusively if asked); with MILLIS, beats once promising MILLIS and then every third
 * of it from a {@link Heartbeat}; prints {@code held}; waits for its standard input to close; lets
 * the beacon go and prints {@code closed}. A refusal prints {@code refused FAULT} and exits 3.
 * The line {@code held} is the event a test waits for: the beacon (and its first promise) is in
 * place by then.
 */
public final class Holder {
    private Holder() {
    }

    public static void main(String[] args) throws IOException {
        Path path = Path.of(args[0]);
        boolean exclusive = false;
        Duration promise = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("exclusive")) {
                exclusive = true;
            } else {
                promise = Duration.ofMillis(Long.parseLong(args[i]));
            }
        }
        Beacon beacon;
        try {
            beacon = exclusive ? Beacon.open(path, BeaconOption.EXCLUSIVE) : Beacon.open(path);
        } catch (BeaconException e) {
            System.out.println("refused " + e.fault());
            System.exit(3);
            return;
        }
        Heartbeat heartbeat = null;
        if (promise != null) {
            beacon.beat(promise);
            // A stand-in daemon has no work that could get stuck, so nothing to watch: it beats
            // while the JVM runs.
            heartbeat = Heartbeat.whileHealthy(beacon, promise, () -> true);
        }
        System.out.println("held");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // until the test closes our standard input
        }
        if (heartbeat != null) {
            heartbeat.close();
        }
        beacon.close();
        System.out.println("closed");
    }
}
