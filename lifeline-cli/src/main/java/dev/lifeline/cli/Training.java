package dev.lifeline.cli;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The training run of the JDK's AOT cache ({@code java -XX:AOTCacheOutput=... Training DIR}): in one
 * JVM, the paths that {@code check}, {@code status} and {@code wait} take, so that the cache holds
 * the classes each loads and links, and the lambda forms and call sites each resolves. Those
 * three only: the JVM loads every class of the cache when it starts, so each class another
 * command would add costs these a little on every call (measured: 2 to 3 ms for {@code --help}
 * and {@code --version}, which then take some 20 ms more, well within their own bound; issue 17). DIR holds {@code live}, a FIFO the caller holds open
 * for reading, and {@code dead}, one nobody holds. The commands' output is discarded; exits 0
 * if the checks answered as they must (live alive, dead dead), else 1 with a line on stderr.
 * Run by the dist build (build.sh) and by the source tree's ./lifeline when it makes its cache.
 */
public final class Training {
    private Training() {
    }

    /**
     * What the source tree's ./lifeline has check, status and wait do first (StartupCache): an
     * index of one file, which matches under its own key and not under another. 0 if both held.
     */
    private static int cacheCheck(String dir, String file) {
        java.nio.file.Path index = java.nio.file.Path.of(dir, "index");
        String key = "00000000000000000000";
        try {
            java.nio.file.Files.writeString(index, key + "\n" + StartupCache.fingerprint(file) + "\n");
            return StartupCache.matches(index, key) && !StartupCache.matches(index, "11111111111111111111") ? 0 : 1;
        } catch (java.io.IOException e) {
            return 1;
        }
    }

    public static void main(String[] args) {
        String dir = args[0];
        String live = dir + "/live";
        String dead = dir + "/dead";
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        int[] codes;
        try {
            System.setOut(discard);
            System.setErr(discard);
            codes = new int[] {
                Main.run(new String[] {"check", live}),
                Main.run(new String[] {"check", dead}),
                Main.run(new String[] {"check", "--json", live}),
                Main.run(new String[] {"check", "--json", dead}),
                Main.run(new String[] {"check", "-q", dir + "/absent"}),
                Main.run(new String[] {"status", dir}),
                Main.run(new String[] {"status", "--json", dir}),
                Main.run(new String[] {"wait", "--dead", dead}),
                cacheCheck(dir, dead),
            };
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        int[] expected = {0, 1, 0, 1, 3, 1, 1, 0, 0};
        if (!java.util.Arrays.equals(codes, expected)) {
            System.err.println("lifeline training: exit codes " + java.util.Arrays.toString(codes) + ", expected "
                    + java.util.Arrays.toString(expected) + " (is " + live + " held?)");
            System.exit(1);
        }
    }
}
