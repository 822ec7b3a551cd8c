package dev.lifeline.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lifeline check [-q|--quiet|--json] PATH}, {@code lifeline status [--json] [DIR|PATH...]} and
 * {@code lifeline wait (--dead|--alive) [-q|--quiet|--json] PATH} without picocli. A probe may run
 * these every few seconds, and building picocli's model of every command costs a JVM more than the
 * check itself (picocli's classes are also too old a class-file version for the AOT cache to
 * link). The plain forms are recognised here and run through the very code the commands run under
 * picocli; anything else (help, version, {@code --timeout}, a typo, an option given twice, an
 * {@code @file}, {@code --}) goes to picocli as before, so every error message and exit code stays
 * its. An exception is reported as picocli's handler for the command reports it.
 */
final class FastCheck {
    private FastCheck() {
    }

    /** The exit code, or -1 when {@code args} are not a plain check, status or wait and picocli must parse them. */
    static int run(String[] args) {
        if (args.length == 0) {
            return -1;
        }
        for (String a : args) {
            if (a.isEmpty() || a.startsWith("@") || a.equals("--")) {
                return -1; // picocli's: an empty operand is refused, @FILE may be expanded
            }
        }
        return switch (args[0]) {
            case "check" -> check(args);
            case "status" -> status(args);
            case "wait" -> await(args);
            default -> -1;
        };
    }

    private static int check(String[] args) {
        if (args.length < 2 || args.length > 3) {
            return -1;
        }
        CheckCommand.Output output = new CheckCommand.Output();
        String path = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            int taken = output(output, a);
            if (taken < 0) {
                return -1;
            }
            if (taken == 0) {
                if (a.startsWith("-") || path != null) {
                    return -1;
                }
                path = a;
            }
        }
        Path beacon = path == null ? null : resolve(path);
        if (beacon == null) {
            return -1;
        }
        PrintWriter out = writer(System.out);
        PrintWriter err = writer(System.err);
        try {
            return CheckCommand.check(beacon, output, out, err);
        } catch (RuntimeException e) {
            return crash("check", e, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int status(String[] args) {
        boolean json = false;
        List<Path> paths = new ArrayList<>();
        List<String> given = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                if (json) {
                    return -1;
                }
                json = true;
            } else if (a.startsWith("-")) {
                return -1;
            } else {
                Path path = resolve(a);
                if (path == null) {
                    return -1;
                }
                paths.add(path);
                given.add(a);
            }
        }
        PrintWriter out = writer(System.out);
        PrintWriter err = writer(System.err);
        try {
            return StatusCommand.run(paths, given, json, out, err);
        } catch (RuntimeException e) {
            return crash("status", e, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int await(String[] args) {
        if (args.length < 3 || args.length > 4) {
            return -1;
        }
        CheckCommand.Output output = new CheckCommand.Output();
        Boolean dead = null;
        String path = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            int taken = a.equals("--dead") || a.equals("--alive") ? 0 : output(output, a);
            if (taken < 0) {
                return -1;
            } else if (taken > 0) {
                continue;
            } else if (a.equals("--dead") || a.equals("--alive")) {
                if (dead != null) {
                    return -1;
                }
                dead = a.equals("--dead");
            } else if (a.startsWith("-") || path != null) {
                return -1;
            } else {
                path = a;
            }
        }
        Path beacon = path == null ? null : resolve(path);
        if (beacon == null || dead == null) {
            return -1;
        }
        PrintWriter out = writer(System.out);
        PrintWriter err = writer(System.err);
        try {
            return WaitCommand.run(beacon, dead, null, output, out, err);
        } catch (RuntimeException | InterruptedException e) {
            return crash("wait", e, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Takes {@code a} into {@code output} if it is -q, --quiet or --json: 1; 0 if it is none of them;
     * -1 if one of them was given before (twice, or with the other: picocli says why).
     */
    private static int output(CheckCommand.Output output, String a) {
        boolean quiet = a.equals("-q") || a.equals("--quiet");
        if (!quiet && !a.equals("--json")) {
            return 0;
        }
        if (output.quiet || output.json) {
            return -1;
        }
        if (quiet) {
            output.quiet = true;
        } else {
            output.json = true;
        }
        return 1;
    }

    /** The operand as picocli's converter makes it a path, or null where picocli must say why not. */
    private static Path resolve(String operand) {
        try {
            return BeaconDirectory.resolve(operand);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** As picocli's own writers: the platform's encoding, autoflush off, flushed at the end. */
    private static PrintWriter writer(java.io.PrintStream stream) {
        Charset charset = Charset.forName(System.getProperty("stdout.encoding", Charset.defaultCharset().name()));
        return new PrintWriter(new OutputStreamWriter(stream, charset));
    }

    /** What RootCommand's handler says and returns for an exception a command's call() threw. */
    private static int crash(String command, Exception e, PrintWriter err) {
        err.println("lifeline: " + command + ": unexpected error: " + Main.show(String.valueOf(e)));
        if (System.getenv("LIFELINE_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return Main.EXIT_UNKNOWN;
    }
}
