package dev.lifeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code lifeline} command: {@code check}, {@code hold}, {@code wait} and {@code demo} under one name.
 *
 * <p>Exit codes are the answer, so a crash must never look like one: an unexpected exception
 * exits 4 ("unknown"), not picocli's default 1, which {@code check} uses for DEAD. Usage errors
 * exit 2, with one line saying what is wrong and one saying where to read more on stderr. Set
 * {@code LIFELINE_DEBUG=1} to get the stack trace of an unexpected exception. {@link Main} is the
 * entry point; this class holds all that needs picocli.
 */
@Command(name = "lifeline",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnExecutionException = Main.EXIT_UNKNOWN,
        description = "Is the daemon alive? One non-blocking open of a FIFO answers.",
        subcommands = {CheckCommand.class, HoldCommand.class, WaitCommand.class, RunCommand.class, ExecCommand.class,
                WatchCommand.class, StatusCommand.class, ServeCommand.class, DemoCommand.class, CompletionCommand.class, ManCommand.class, HelpCommand.class})
final class RootCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** The configured command tree. */
    static CommandLine commandLine() {
        return new CommandLine(new RootCommand()).setExecutionExceptionHandler(CRASH).setParameterExceptionHandler(USAGE);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command: check, hold, wait, run, exec, watch, status, serve, demo or help");
    }

    /**
     * A usage error is one line, {@code lifeline: MESSAGE}, then where to read more, as GNU tools
     * do: the whole help (8 to 20 lines) buried the one line that mattered. picocli's suggestion
     * ("Did you mean: lifeline watch?") stays between the two when it has one.
     */
    private static final picocli.CommandLine.IParameterExceptionHandler USAGE = (ex, args) -> {
        CommandLine cmd = ex.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        err.println("lifeline: " + Main.show(ex.getMessage()));
        picocli.CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    };

    private static final IExecutionExceptionHandler CRASH = (ex, cmd, parseResult) -> {
        cmd.getErr().println("lifeline: " + cmd.getCommandName() + ": unexpected error: " + Main.show(String.valueOf(ex)));
        if (System.getenv("LIFELINE_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    };
}
