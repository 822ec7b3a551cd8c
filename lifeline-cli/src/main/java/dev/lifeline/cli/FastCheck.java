package dev.lifeline.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * {@code lifeline check [-q|--quiet|--json] PATH} without picocli. A probe may run this command
 * every few seconds, and building picocli's model of every command costs a JVM more than the
 * check itself (picocli's classes are also too old a class-file version for the AOT cache to
 * link). The plain forms are recognised here and run through the very code {@link CheckCommand}
 * runs; anything else (help, version, a typo, an option given twice) goes to picocli as before,
 * so every error message and exit code stays its.
 */
final class FastCheck {
    private FastCheck() {
    }

    /** The exit code, or -1 when {@code args} are not a plain check and picocli must parse them. */
    static int run(String[] args) {
        if (args.length < 2 || args.length > 3 || !args[0].equals("check")) {
            return -1;
        }
        CheckCommand.Output output = new CheckCommand.Output();
        String path = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-q", "--quiet" -> {
                    if (output.quiet || output.json) {
                        return -1; // twice, or with --json: picocli says why
                    }
                    output.quiet = true;
                }
                case "--json" -> {
                    if (output.quiet || output.json) {
                        return -1;
                    }
                    output.json = true;
                }
                default -> {
                    if (a.isEmpty() || a.startsWith("-") || path != null) {
                        return -1;
                    }
                    path = a;
                }
            }
        }
        if (path == null) {
            return -1;
        }
        Path beacon;
        try {
            beacon = BeaconDirectory.resolve(path);
        } catch (InvalidPathException e) {
            return -1;
        }
        // As picocli's own writers: the platform's encoding, autoflush off, flushed at the end.
        Charset charset = Charset.forName(System.getProperty("stdout.encoding", Charset.defaultCharset().name()));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset));
        try {
            return CheckCommand.check(beacon, output, out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
