package dev.lifeline.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code lifeline} command: {@code check}, {@code hold}, {@code wait} and {@code demo} under one name.
 *
 * <p>Exit codes are the answer, so a crash must never look like one: an unexpected exception
 * exits 4 ("unknown"), not picocli's default 1, which {@code check} uses for DEAD. Usage errors
 * exit 2, with the message and the usage on stderr. Set {@code LIFELINE_DEBUG=1} to get the stack
 * trace of an unexpected exception.
 */
@Command(name = "lifeline",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnExecutionException = Main.EXIT_UNKNOWN,
        description = "Is the daemon alive? One non-blocking open of a FIFO answers.",
        subcommands = {CheckCommand.class, HoldCommand.class, WaitCommand.class, RunCommand.class, ExecCommand.class,
                WatchCommand.class, StatusCommand.class, ServeCommand.class, DemoCommand.class, CompletionCommand.class, ManCommand.class, HelpCommand.class})
public final class Main implements Runnable {
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

    @Spec
    CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        String refused = Arguments.refusal(args);
        if (refused != null) {
            System.err.println(refused);
            System.exit(EXIT_USAGE);
        }
        int fast = FastCheck.run(args);
        System.exit(fast >= 0 ? fast : commandLine().execute(args));
    }

    /** The configured command tree; tests and {@code main} share it. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(CRASH).setParameterExceptionHandler(USAGE);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command: check, hold, wait, run, exec, watch, status, serve, demo or help");
    }

    /**
     * Message, then usage, always: picocli's own handler leaves the usage out when it has a
     * suggestion ("Did you mean: lifeline watch?"), and the house rule is message + usage.
     */
    private static final picocli.CommandLine.IParameterExceptionHandler USAGE = (ex, args) -> {
        CommandLine cmd = ex.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        err.println(show(ex.getMessage()));
        picocli.CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        cmd.usage(err);
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    };

    private static final IExecutionExceptionHandler CRASH = (ex, cmd, parseResult) -> {
        cmd.getErr().println("lifeline: " + cmd.getCommandName() + ": unexpected error: " + show(String.valueOf(ex)));
        if (System.getenv("LIFELINE_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    };

    /** Reads the version that the build wrote into the jar's manifest. */
    public static final class ManifestVersion implements IVersionProvider {
        /** Called by picocli. */
        public ManifestVersion() {
        }

        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "lifeline " + (version != null ? version : "(unknown version: not run from the lifeline-cli jar)"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
            };
        }
    }

    /**
     * A beacon path from the command line. A bare NAME (no slash) lives in the default beacon
     * directory ({@link BeaconDirectory}). An empty argument is a usage error here rather than a
     * library exception later ({@code Path.of("")} is the current directory's empty name).
     */
    static final class PathConverter implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("the path is empty");
            }
            try {
                return BeaconDirectory.resolve(value);
            } catch (InvalidPathException e) {
                throw new TypeConversionException("'" + show(value) + "' is not a valid path: " + e.getReason());
            }
        }
    }
}
