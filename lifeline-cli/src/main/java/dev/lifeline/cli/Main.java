package dev.lifeline.cli;

import java.nio.file.Path;
import picocli.CommandLine.IVersionProvider;

/**
 * The entry point of the {@code lifeline} command. It needs nothing but the JDK itself, so that
 * whatever fails after it has started (a class that cannot be loaded, picocli's included; memory
 * that runs out) is caught here and exits 4, "unknown": never the JVM's own 1, which {@code check}
 * uses for DEAD. The command tree itself is {@link RootCommand}.
 */
public final class Main {
    /** LSB's "unknown": no answer could be had. Every failure that is not an answer exits with it. */
    static final int EXIT_UNKNOWN = 4;
    /** A usage error: picocli's exit code on invalid input. */
    static final int EXIT_USAGE = 2;

    /** The charset of stdout (and stderr), as the JDK's own streams write them. */
    private static final java.nio.charset.Charset OUTPUT = outputCharset();

    /**
     * A path in human output: its exact bytes, with controls and bytes that are not printable
     * characters escaped as {@code ls -b} does (see {@link dev.lifeline.Names}); under an ASCII
     * locale, every byte above 0x7F too. Every command's human text names paths through this.
     */
    static String show(Path path) {
        return dev.lifeline.Names.printable(path, OUTPUT);
    }

    /** As {@link #show(Path)}, for a message, a reason or any other text that may hold a name. */
    static String show(String text) {
        return dev.lifeline.Names.printable(String.valueOf(text), OUTPUT);
    }

    /** As {@link #show(Path)}, for a name's bytes. */
    static String show(byte[] name) {
        return dev.lifeline.Names.printable(name, OUTPUT);
    }

    private static java.nio.charset.Charset outputCharset() {
        try {
            return java.nio.charset.Charset.forName(System.getProperty("stdout.encoding", "UTF-8"));
        } catch (RuntimeException unknown) {
            return java.nio.charset.StandardCharsets.US_ASCII;
        }
    }

    private Main() {
    }

    /**
     * Set by both launchers to whether stdin and stdout are terminals, as the shell's {@code -t} finds
     * them: what {@code System.console().isTerminal()} answers, without the Console (and the
     * provider lookup behind it) that cost status some 1.5 ms on every call (issue 17).
     */
    static final String TERMINAL_PROPERTY = "lifeline.terminal";

    /** Whether stdin and stdout are both terminals: the launcher's word if it gave it, else the JDK's. */
    static boolean onTerminal() {
        String said = System.getProperty(TERMINAL_PROPERTY);
        if (said != null) {
            return said.equals("true");
        }
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** {@code text} padded with spaces to {@code width}, on the right when {@code left}: {@code %-Ns} or {@code %Ns}. */
    static String pad(String text, int width, boolean left) {
        if (text.length() >= width) {
            return text;
        }
        String spaces = " ".repeat(width - text.length());
        return left ? text + spaces : spaces + text;
    }

    /** {@code d} in seconds to the nearest tenth, {@code 1.6} (rounded, not cut), as the human texts print it. */
    static String tenths(java.time.Duration d) {
        long tenths = (d.toMillis() + 50) / 100;
        return (tenths / 10) + "." + (tenths % 10);
    }

    /**
     * Set to {@value #LAUNCHER_ANSWERS} by the {@code lifeline} launcher for the commands whose exit
     * code is an answer ({@code check}, {@code status}, {@code wait}): the code is then moved out of
     * the range a failing JVM exits with (see {@link #forLauncher}), and the launcher moves it back.
     */
    static final String LAUNCHER_PROPERTY = "lifeline.launcher";
    static final String LAUNCHER_ANSWERS = "answers";

    /**
     * Runs the command line and exits with its code. A command that picocli ran exits through
     * {@link System#exit}, which runs the shutdown hooks (hold, run, serve and demo register some).
     * The fast paths ({@link FastHelp}, {@link FastCheck}: help, version, check, status, wait)
     * register none, and end with {@link Runtime#halt} once stdout and stderr are flushed:
     * {@code System.exit} first asks for a {@code System.Logger} (the JDK's logging of
     * {@code Runtime.exit}), which loads some 400 classes and looks for a logging service in every
     * jar on the class path, on each call of a command a probe may run every few seconds.
     */
    public static void main(String[] args) {
        String cacheIndex = System.getProperty(StartupCache.PROPERTY);
        if (cacheIndex != null
                && !StartupCache.matches(Path.of(cacheIndex), System.getProperty(StartupCache.KEY_PROPERTY))) {
            Runtime.getRuntime().halt(StartupCache.EXIT_STALE);
        }
        int code = run(args);
        int exit = LAUNCHER_ANSWERS.equals(System.getProperty(LAUNCHER_PROPERTY)) ? forLauncher(code) : code;
        if (fastPathRan) {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(exit);
        }
        System.exit(exit);
    }

    /** Whether {@link #run} answered through a fast path, which registers no shutdown hook. */
    private static boolean fastPathRan;

    /** Runs the command line and returns its exit code; {@link Training} runs it too. */
    static int run(String[] args) {
        int code;
        fastPathRan = false;
        try {
            String refused = Arguments.refusal(args);
            if (refused != null) {
                System.err.println(refused);
                return EXIT_USAGE;
            }
            int fast = FastHelp.run(args);
            if (fast < 0) {
                fast = FastCheck.run(args);
            }
            fastPathRan = fast >= 0;
            code = fast >= 0 ? fast : commandLine().execute(args);
        } catch (Throwable t) {
            // Anything that escapes, an Error included (out of memory, a class that failed to load),
            // is no answer: never the JVM's default 1, which is DEAD to check's callers.
            code = EXIT_UNKNOWN;
            try {
                System.err.println("lifeline: unexpected error: " + show(String.valueOf(t)));
                if (System.getenv("LIFELINE_DEBUG") != null) {
                    t.printStackTrace();
                }
            } catch (Throwable ignored) {
                // nothing more can be said; the exit code still says "unknown"
            }
        }
        return code;
    }

    /**
     * The exit code given to the launcher for {@code code}: 200 + code for 0 to 49, 250 for 150
     * (HUNG). A JVM that fails to start, dies of an error or crashes exits with 1, 134 or the like,
     * never with these, so the launcher can tell an answer from a failure and turn every failure into
     * 4 (unknown). Other codes stay as they are.
     */
    static int forLauncher(int code) {
        if (code == Answers.EXIT_HUNG) {
            return 250;
        }
        return code >= 0 && code < 50 ? 200 + code : code;
    }

    /** The configured command tree; tests and {@code main} share it. */
    static picocli.CommandLine commandLine() {
        return RootCommand.commandLine();
    }

    /** Reads the version that the build wrote into the jar's manifest. */
    public static final class ManifestVersion implements IVersionProvider {
        /** Called by picocli. */
        public ManifestVersion() {
        }

        @Override
        public String[] getVersion() {
            return version();
        }
    }

    /** The lines of {@code --version}: this build's version, and the Java runtime it runs on. */
    static String[] version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "lifeline " + (version != null ? version : "(unknown version: not run from the lifeline-cli jar)"),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }
}
