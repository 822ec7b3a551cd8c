package dev.lifeline.bench;

import java.nio.file.Path;

/**
 * {@code Driver DIR PORT KIND N}: runs one kind of check N times against a running {@link Daemon}
 * serve (DIR and PORT as it printed them), for counting system calls under strace. Exits 1 if any
 * check gave the wrong answer.
 */
public final class Driver {
    private Driver() {
    }

    public static void main(String[] args) throws Exception {
        Checks checks = new Checks(Path.of(args[0]), Integer.parseInt(args[1]));
        String kind = args[2];
        int n = Integer.parseInt(args[3]);
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            if (!checks.run(kind)) {
                wrong++;
            }
        }
        checks.close();
        if (wrong > 0) {
            System.err.println("Driver: " + wrong + " of " + n + " " + kind + " checks answered wrongly");
            System.exit(1);
        }
    }
}
