package dev.lifeline.serve;

import dev.lifeline.Beacon;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A daemon for the tests, in its own JVM: holds a beacon, says "held", waits for end of input. */
public final class Holder {
    private Holder() {
    }

    public static void main(String[] args) throws Exception {
        try (Beacon beacon = Beacon.open(Path.of(args[0]))) {
            System.out.println("held");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // until the test closes our input
            }
        }
    }
}
