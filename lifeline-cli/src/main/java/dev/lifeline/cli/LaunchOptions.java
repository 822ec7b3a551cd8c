package dev.lifeline.cli;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconException;
import dev.lifeline.BeaconOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code run} and {@code exec} share, as a picocli mixin: the beacon PATH, the program CMD
 * and {@code --exclusive}; and how both find CMD, hold the beacon and refuse, with the codes of
 * {@code env}, {@code nice} and {@code timeout}: 125 when lifeline itself fails, 126 and 127 when
 * CMD cannot be executed or found. In those cases no beacon is left behind.
 */
final class LaunchOptions {
    /** lifeline's own failure, as {@code env}, {@code nice} and {@code timeout} report theirs. */
    static final int EXIT_FAILED = 125;

    @Parameters(index = "0", paramLabel = "PATH", converter = Converters.PathConverter.class,
            description = "Where the beacon lives; a bare NAME lives in the default beacon directory.")
    Path path;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD",
            description = "The program and its arguments; a name without a slash is looked up on PATH.")
    List<String> command;

    @Option(names = "--exclusive",
            description = "Be the only holder: refused (125) while another process holds the beacon.")
    boolean exclusive;

    /** A refusal already reported on stderr, with its exit code. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        Refused(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /**
     * Finds CMD, then holds the beacon. CMD is found first, so that a command that cannot run
     * leaves nothing behind.
     *
     * @throws Refused with 126 or 127 if CMD cannot run, 125 if the beacon cannot be held; the
     *         reason is on stderr by then
     */
    Beacon open(PrintWriter err, String verb) throws Refused {
        try {
            Programs.find(command.get(0));
        } catch (Programs.Unrunnable e) {
            throw new Refused(refuse(err, verb, e.exitCode(), e.getMessage()));
        }
        try {
            BeaconDirectory.prepare(path);
            return Beacon.open(path, exclusive ? new BeaconOption[] {BeaconOption.EXCLUSIVE} : new BeaconOption[0]);
        } catch (BeaconException e) {
            throw new Refused(refuse(err, verb, EXIT_FAILED, "cannot hold " + path + ": " + e.getReason()));
        } catch (IOException e) {
            throw new Refused(refuse(err, verb, EXIT_FAILED, "cannot create the directory of " + path + ": "
                    + BeaconDirectory.describe(e)));
        }
    }

    /**
     * CMD could not be started after all (it went away since it was found, or cannot be
     * executed): lets go of {@code beacon}, so that none is left behind, and refuses with 127 or 126.
     */
    int cannotStart(PrintWriter err, String verb, Beacon beacon, IOException e) {
        beacon.close();
        if (e instanceof NoSuchFileException missing) {
            return refuse(err, verb, Programs.EXIT_NOT_FOUND, command.get(0) + ": " + missing.getReason());
        }
        return refuse(err, verb, Programs.EXIT_NOT_EXECUTABLE, e.getMessage().replaceFirst("^lifeline: ", ""));
    }

    /** {@code lifeline: unable to <verb>: <reason>} on stderr; returns {@code exitCode}. */
    static int refuse(PrintWriter err, String verb, int exitCode, String reason) {
        err.println("lifeline: unable to " + verb + ": " + Main.show(reason));
        err.flush();
        return exitCode;
    }
}
