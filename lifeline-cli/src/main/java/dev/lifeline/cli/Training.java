package dev.lifeline.cli;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The training run of the JDK's AOT cache ({@code java -XX:AOTCacheOutput=... Training DIR COMMAND}):
 * in one JVM, the paths that {@code COMMAND} ({@code check}, {@code status} or {@code wait}) takes,
 * so that the cache holds the classes it loads and links, and the lambda forms and call sites it
 * resolves. One cache per answering command: the JVM loads every class of its cache when it
 * starts, so each class another command would add costs this one on every call (measured: a cache
 * of all three cost a dead check 4 ms, status 5 and wait 3, some 5 % of an empty JVM; issue 17).
 * The other commands start with check's cache. DIR holds {@code live}, a FIFO the caller holds open
 * for reading, and {@code dead}, one nobody holds. The commands' output is discarded; exits 0 if
 * they answered as they must (live alive, dead dead), else 1 with a line on stderr; 2 for a
 * command it does not train. Run by the dist build (build.sh) and by the source tree's ./lifeline
 * when it makes a cache.
 */
public final class Training {
    private Training() {
    }

    /**
     * What the source tree's ./lifeline has check, status and wait do first (StartupCache): an
     * index of one file, which matches under its own key and not under another. 0 if both held.
     */
    private static int cacheCheck(String dir, String file) {
        // Through java.io, which the JVM has loaded anyway: whatever this adds, every start of the
        // command loads from the cache.
        java.io.File index = new java.io.File(dir, "index");
        String key = "00000000000000000000";
        boolean held;
        try (java.io.FileOutputStream write = new java.io.FileOutputStream(index)) {
            write.write((key + "\n" + StartupCache.fingerprint(file) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            held = StartupCache.matches(index.toPath(), key) && !StartupCache.matches(index.toPath(), "11111111111111111111");
        } catch (java.io.IOException e) {
            held = false;
        }
        // Gone again: the next training in DIR (build.sh trains each command in turn) lists it.
        return index.delete() && held ? 0 : 1;
    }

    /** The commands that have a cache of their own. */
    static final java.util.List<String> COMMANDS = java.util.List.of("check", "status", "wait");

    public static void main(String[] args) {
        String dir = args[0];
        String command = args.length == 2 ? args[1] : "";
        String live = dir + "/live";
        String dead = dir + "/dead";
        String[][] runs;
        int[] expected;
        switch (command) {
            case "check" -> {
                runs = new String[][] {{"check", live}, {"check", dead}, {"check", "--json", live}, {"check", "--json", dead},
                    {"check", "-q", dir + "/absent"}};
                expected = new int[] {0, 1, 0, 1, 3, 0};
            }
            case "status" -> {
                runs = new String[][] {{"status", dir}, {"status", "--json", dir}};
                expected = new int[] {1, 1, 0};
            }
            case "wait" -> {
                runs = new String[][] {{"wait", "--dead", dead}};
                expected = new int[] {0, 0};
            }
            default -> {
                System.err.println("usage: Training DIR " + String.join("|", COMMANDS));
                System.exit(2);
                return;
            }
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        int[] codes = new int[runs.length + 1];
        try {
            System.setOut(discard);
            System.setErr(discard);
            for (int i = 0; i < runs.length; i++) {
                codes[i] = Main.run(runs[i]);
            }
            codes[runs.length] = cacheCheck(dir, dead);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        if (!java.util.Arrays.equals(codes, expected)) {
            System.err.println("lifeline training: exit codes " + java.util.Arrays.toString(codes) + ", expected "
                    + java.util.Arrays.toString(expected) + " (is " + live + " held?)");
            System.exit(1);
        }
    }
}
