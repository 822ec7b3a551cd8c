package dev.lifeline.cli;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.StatusJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline status [DIR|PATH...]}: a host at a glance. One row per beacon: every FIFO of a
 * DIR and every supervision directory in it, or the PATHs given; by default the default beacon
 * directory. Each row gives the state, the heartbeat's age and deadline, the FIFO's owner, the
 * holder's PID where it can be known, and how long the check took. The exit status is the worst
 * state found, in this order: unknown, dead, hung, absent, alive.
 */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnExecutionException = Main.EXIT_UNKNOWN,
        description = {
            "Checks every beacon in DIR (FIFOs and supervision directories), or each PATH, and prints"
                    + " one row per beacon: state, last beat, deadline, owner, holder PID, time the check took.",
            "Default: the default beacon directory. Colour when stdout is a terminal and NO_COLOR is unset.",
            "A DIR that does not exist, or holds no beacon, is said so on stderr and counts as absent:"
                    + " nothing runs there. A missing DIR must be written with a trailing slash (DIR/),"
                    + " else it is checked as a beacon.",
            "The exit status is the worst state: unknown, then dead, hung, absent, alive."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every beacon alive",
            "1:at least one dead, none unknown",
            "2:usage error",
            "3:at least one absent, or a DIR missing or without beacons; none unknown, dead or hung",
            "4:at least one unknown, or a DIR could not be listed; the reasons are on stderr",
            "150:at least one hung, none unknown or dead",
        })
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR|PATH", arity = "0..*", converter = Converters.PathConverter.class,
            description = "Directories of beacons, beacons, or supervision directories. Default: the default beacon directory.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object per line, one per beacon: check's keys, then owner,"
            + " pid (when known) and check_us.")
    boolean json;

    /** One checked beacon. */
    record Row(Target target, Status status, String owner, Long pid, long checkNanos) {
    }

    @Override
    public Integer call() {
        return run(paths, paths.isEmpty() ? List.of() : Operands.given(spec, paths.size()), json,
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * The whole command, once its arguments are known ({@code given}: the operands as typed, for
     * their trailing slash): {@link FastCheck} comes here too.
     */
    static int run(List<Path> paths, List<String> given, boolean json, PrintWriter out, PrintWriter err) {
        int worst = Answers.EXIT_ALIVE;
        List<Target> targets = new ArrayList<>();
        if (paths.isEmpty()) {
            worst = list(BeaconDirectory.current(), targets, err, worst);
        } else {
            for (int i = 0; i < paths.size(); i++) {
                Path path = paths.get(i);
                if (Operands.isDirectory(path, given.get(i)) && !Target.of(path).isService()) {
                    worst = list(path, targets, err, worst);
                } else {
                    targets.add(Target.of(path));
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Target target : targets) {
            Row row = check(target, err);
            rows.add(row);
            worst = Answers.worse(worst, Answers.exitCode(row.status().state()));
        }
        Instant now = Instant.now();
        boolean colour = !json && System.getenv("NO_COLOR") == null && Main.onTerminal();
        if (!json && !rows.isEmpty()) {
            out.println(line("STATE", "LAST BEAT", "DEADLINE", "OWNER", "PID", "CHECK", "PATH"));
        }
        for (Row row : rows) {
            out.println(json ? json(row) : human(row, now, colour));
        }
        if (out.checkError()) {
            err.println("lifeline: unable to report status: cannot write to standard output");
            err.flush();
            return Main.EXIT_UNKNOWN;
        }
        return worst;
    }

    /**
     * Adds the beacons of {@code dir}. A directory that does not exist or holds no beacon has
     * nothing running: one line on stderr, and absent (3), never the 0 of "all alive".
     */
    private static int list(Path dir, List<Target> targets, PrintWriter err, int worst) {
        try {
            if (Files.notExists(dir)) {
                err.println("lifeline: no beacons: " + dir + " does not exist");
                err.flush();
                return Answers.worse(worst, Answers.EXIT_ABSENT);
            }
            List<Target> found = Target.in(dir);
            if (found.isEmpty()) {
                err.println("lifeline: no beacons in " + dir);
                err.flush();
                return Answers.worse(worst, Answers.EXIT_ABSENT);
            }
            targets.addAll(found);
            return worst;
        } catch (IOException e) {
            err.println("lifeline: unable to list " + Main.show(dir) + ": " + Main.show(BeaconDirectory.describe(e)));
            err.flush();
            return Answers.worse(worst, Main.EXIT_UNKNOWN);
        }
    }

    private static Row check(Target target, PrintWriter err) {
        Probe probe = Probe.of(target.beacon());
        Answers.warn(err, probe);
        // The first check of a probe also links the native calls it makes; the row shows what a
        // check costs, so it times the second.
        probe.check();
        long started = System.nanoTime();
        Status status = probe.check();
        long took = System.nanoTime() - started;
        if (status.state() == Status.State.UNKNOWN) {
            Answers.unknown(err, "check " + Main.show(target.path()), status);
        }
        return new Row(target, status, owner(target.beacon()), holder(probe), took);
    }

    /**
     * The holder's PID, where lifeline-core can know it (a holder made by lifeline announces itself
     * with a POSIX read lock); null for other programs' beacons and for programs started by run.
     */
    private static Long holder(Probe probe) {
        java.util.OptionalLong pid = probe.holderPid();
        return pid.isPresent() ? pid.getAsLong() : null;
    }

    private static String owner(Path beacon) {
        try {
            return Files.getOwner(beacon, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * One line of the table, {@code %-8s %10s %12s %-10s %7s %9s  %s}, padded by hand: a Formatter
     * cost every call of status half a millisecond (issue 17).
     */
    private static String line(String state, String beat, String deadline, String owner, String pid, String check, String path) {
        return Main.pad(state, 8, true) + ' ' + rest(beat, deadline, owner, pid, check, path);
    }

    private static String rest(String beat, String deadline, String owner, String pid, String check, String path) {
        return Main.pad(beat, 10, false) + ' ' + Main.pad(deadline, 12, false) + ' ' + Main.pad(owner, 10, true) + ' '
                + Main.pad(pid, 7, false) + ' ' + Main.pad(check, 9, false) + "  " + path;
    }

    static String human(Row row, Instant now, boolean colour) {
        Status s = row.status();
        String state = Answers.name(s.state());
        String padded = Main.pad(state, 8, true);
        if (colour) {
            padded = colour(s.state()) + padded + "\u001b[0m";
        }
        String beat = s.lastBeat().map(b -> age(Duration.between(b, now))).orElse("-");
        String deadline = s.deadline().map(d -> due(Duration.between(now, d))).orElse("-");
        String path = Main.show(row.target().path()) + (row.target().isService() ? " (" + row.target().gloss() + ")" : "");
        return padded + ' ' + rest(beat, deadline, row.owner() == null ? "-" : row.owner(),
                row.pid() == null ? "-" : row.pid().toString(), micros(row.checkNanos()) + " us", path);
    }

    private static String colour(Status.State state) {
        return switch (state) {
            case ALIVE -> "\u001b[32m";
            case HUNG -> "\u001b[33m";
            case DEAD -> "\u001b[31m";
            case ABSENT -> "\u001b[2m";
            case UNKNOWN -> "\u001b[35m";
        };
    }

    private static String age(Duration d) {
        return d.isNegative() ? "in " + seconds(d.negated()) : seconds(d) + " ago";
    }

    private static String due(Duration left) {
        return left.isNegative() ? seconds(left.negated()) + " ago" : "in " + seconds(left);
    }

    private static String seconds(Duration d) {
        return Main.tenths(d) + "s";
    }

    private static long micros(long nanos) {
        return (nanos + 500) / 1000;
    }

    static String json(Row row) {
        StringBuilder suffix = new StringBuilder();
        if (row.owner() != null) {
            StatusJson.appendMember(suffix.append(','), "owner", row.owner());
        }
        if (row.pid() != null) {
            suffix.append(",\"pid\":").append(row.pid());
        }
        suffix.append(",\"check_us\":").append(micros(row.checkNanos()));
        return Answers.json(row.target(), null, null, row.status(), suffix.toString());
    }
}
