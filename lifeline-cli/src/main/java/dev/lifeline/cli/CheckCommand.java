package dev.lifeline.cli;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline check PATH}: is the daemon holding the beacon at PATH alive? The answer is the
 * exit status, after the LSB {@code status} convention: 0 alive, 1 dead (a stale FIFO), 3 absent,
 * 4 unknown; 2 for a usage error; 150, from LSB's range for applications, for hung (held, but the
 * holder missed the deadline it promised for its next beat). One non-blocking check, so it never
 * waits for anything.
 *
 * <p>stdout carries the answer only: one human line, one JSON object with {@code --json}, or
 * nothing with {@code --quiet}. For a holder that beats, both give the last beat and the
 * deadline. When there is no answer (UNKNOWN), stderr says why.
 */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnExecutionException = Main.EXIT_UNKNOWN,
        description = {
            "Checks whether a process holds the beacon (a FIFO) at PATH. Never blocks.",
            "The answer is the exit status; stdout repeats it for humans or, with --json, for programs."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:alive: a process holds the beacon",
            "1:dead: the FIFO is there and nobody holds it (the daemon died)",
            "2:usage error",
            "3:absent: nothing at PATH, or a directory on the way is missing",
            "4:unknown: no answer (not a FIFO, permission denied, ...); the reason is on stderr",
            "150:hung: a process holds the beacon but missed the deadline it promised for its next beat",
        })
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "The beacon to check.", converter = Converters.PathConverter.class)
    Path path;

    @ArgGroup(exclusive = true)
    Output output = new Output();

    /** How the answer is printed; {@code wait} takes the same options. */
    static final class Output {
        @Option(names = {"-q", "--quiet"}, description = "Print nothing on stdout; the exit status is the answer.")
        boolean quiet;

        @Option(names = "--json", description = "Print one JSON object: path, status, last_beat and deadline when the"
                + " holder beats, and, when unknown, fault, errno and reason.")
        boolean json;
    }

    @Override
    public Integer call() {
        return check(path, output, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The whole command, once its arguments are known: {@link FastCheck} comes here too. */
    static int check(Path path, Output output, PrintWriter out, PrintWriter err) {
        String what = "check " + Main.show(path);
        Target target = Target.of(path);
        Status status;
        Probe probe;
        try {
            probe = Probe.of(target.beacon());
            status = probe.check();
        } catch (UnsupportedOperationException | IllegalArgumentException | IllegalCallerException e) {
            return Answers.cannotCheck(out, err, output, what, path, e);
        }
        // The times in the human line are ages: measured against one instant, taken at once.
        Instant now = Instant.now();
        Answers.warn(err, probe);
        if (status.state() == Status.State.UNKNOWN) {
            Answers.unknown(err, what, status);
        }
        return Answers.answer(out, err, output, what, Answers.human(target, status, now), Answers.json(target, status),
                Answers.exitCode(status.state()));
    }
}
