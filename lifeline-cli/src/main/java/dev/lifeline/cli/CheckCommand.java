package dev.lifeline.cli;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
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
    static final int EXIT_ALIVE = 0;
    static final int EXIT_DEAD = 1;
    static final int EXIT_ABSENT = 3;
    /** Outside LSB's range on purpose: a caller that knows only LSB must not read it as dead. */
    static final int EXIT_HUNG = 150;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "The beacon to check.", converter = Main.PathConverter.class)
    Path path;

    @ArgGroup(exclusive = true)
    Output output = new Output();

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
        Target target = Target.of(path);
        Status status;
        Probe probe;
        try {
            probe = Probe.of(target.beacon());
            status = probe.check();
        } catch (UnsupportedOperationException | IllegalArgumentException | IllegalCallerException e) {
            // No check could even start (unsupported platform, native access denied): still an
            // answer of the documented shape, "unknown", with the reason on stderr.
            err.println("lifeline: unable to check " + Main.show(path) + ": " + Main.show(e.getMessage()));
            err.flush();
            return answer(out, err, output, "check " + Main.show(path), Main.show(path) + ": unknown",
                    json(path, Status.State.UNKNOWN, null, null, null, null, e.getMessage()), Main.EXIT_UNKNOWN);
        }
        // The times in the human line are ages: measured against one instant, taken at once.
        Instant now = Instant.now();
        warn(err, probe);
        if (status.state() == Status.State.UNKNOWN) {
            unknown(err, "check " + Main.show(path), status);
        }
        return answer(out, err, output, "check " + Main.show(path), human(target, status, now), json(target, status, null),
                exitCode(status.state()));
    }

    /** The strict checks' concerns about a beacon's place, as {@code lifeline: warning: ...} lines. */
    static void warn(PrintWriter err, Probe probe) {
        for (String warning : probe.warnings()) {
            err.println("lifeline: warning: " + Main.show(probe.path()) + ": " + Main.show(warning));
        }
        err.flush();
    }

    /** {@code lifeline: unable to <what>: <reason> (<ERRNO>)} on stderr, for an UNKNOWN answer. */
    static void unknown(PrintWriter err, String what, Status status) {
        err.println("lifeline: unable to " + what + ": " + Main.show(status.reason())
                + status.errno().map(e -> " (" + e + ")").orElse(""));
        err.flush();
    }

    /**
     * Prints the answer as {@code output} asks and returns {@code exitCode}, or 4 if stdout could
     * not take it. {@code what} names the action in the diagnostic, such as {@code check /run/x}.
     */
    static int answer(PrintWriter out, PrintWriter err, Output output, String what, String human, String json,
            int exitCode) {
        if (output.quiet) {
            return exitCode;
        }
        out.println(output.json ? json : human);
        // s6-svstat's rule: a caller that did not get the answer did not get an answer.
        if (out.checkError()) {
            err.println("lifeline: unable to " + what + ": cannot write to standard output");
            err.flush();
            return Main.EXIT_UNKNOWN;
        }
        return exitCode;
    }

    /** The LSB status code for a state: the one mapping from answers to exit codes. */
    static int exitCode(Status.State state) {
        return switch (state) {
            case ALIVE -> EXIT_ALIVE;
            case HUNG -> EXIT_HUNG;
            case DEAD -> EXIT_DEAD;
            case ABSENT -> EXIT_ABSENT;
            case UNKNOWN -> Main.EXIT_UNKNOWN;
        };
    }

    /**
     * {@code /run/x: alive}, {@code /run/x: dead (the beacon is there and nobody holds it)}; for a
     * holder that beats, its times as seen at {@code now}:
     * {@code /run/x: alive (last beat 0.4 s ago, next due in 1.6 s)},
     * {@code /run/x: hung (last beat 12.3 s ago, deadline passed 10.3 s ago)}.
     */
    static String human(Status status, Instant now) {
        return human(new Target(status.path(), status.path(), null), status, now);
    }

    /**
     * As {@link #human(Status, Instant)}, naming the path as given; for a service directory, the
     * parenthesis also says which supervisor's FIFO was checked:
     * {@code /srv/x: alive (s6 service, checked /srv/x/supervise/control)}.
     */
    static String human(Target target, Status status, Instant now) {
        String state = name(status.state());
        String service = target.isService() ? target.gloss() : null;
        String gloss;
        if (status.lastBeat().isPresent() && status.deadline().isPresent()) {
            gloss = beat(status.lastBeat().get(), now) + ", " + deadline(status.state(), status.deadline().get(), now);
        } else {
            gloss = switch (status.state()) {
                // ALIVE needs no gloss; UNKNOWN's reason goes to stderr, where diagnostics belong.
                case ALIVE, UNKNOWN -> null;
                case HUNG, DEAD, ABSENT -> Main.show(status.reason());
            };
        }
        String all = gloss == null ? service : service == null ? gloss : gloss + "; " + service;
        return Main.show(target.path()) + ": " + state + (all == null ? "" : " (" + all + ")");
    }

    private static String beat(Instant beat, Instant now) {
        Duration age = Duration.between(beat, now);
        // The wall clock went back since the beat: said as it is, not hidden as "0.0 s ago".
        return age.isNegative() ? "last beat " + seconds(age.negated()) + " in the future"
                : "last beat " + seconds(age) + " ago";
    }

    private static String deadline(Status.State state, Instant deadline, Instant now) {
        Duration left = Duration.between(now, deadline);
        // The verdict is the probe's, made an instant before now: the words follow it, and a
        // difference of that instant shows as 0.0 s rather than as a contradiction.
        if (state == Status.State.HUNG) {
            return "deadline passed " + seconds(left.isNegative() ? left.negated() : Duration.ZERO) + " ago";
        }
        return "next due in " + seconds(left.isNegative() ? Duration.ZERO : left);
    }

    /**
     * {@code 1.6 s}, to the nearest tenth: what a human reads (the JSON keys carry milliseconds),
     * and rounded, not cut, so that age and time left add up to the promise.
     */
    private static String seconds(Duration d) {
        long tenths = (d.toMillis() + 50) / 100;
        return String.format(Locale.ROOT, "%d.%d s", tenths / 10, tenths % 10);
    }

    /** One JSON object on one line, with keys that scripts may rely on (docs/cli/json.md). */
    static String json(Status status) {
        return json(new Target(status.path(), status.path(), null), status, null);
    }

    /**
     * The object for {@code status}, found for {@code target}: {@code path} is the path as given;
     * a service directory adds {@code supervisor} and {@code beacon}. {@code prefix}, if not null,
     * holds members (with a trailing comma) that come first, such as watch's {@code time}.
     */
    static String json(Target target, Status status, String prefix) {
        return json(target, prefix, null, status, null);
    }

    /** As {@link #json(Target, Status, String)}, with watch's {@code previous} and status's suffix. */
    static String json(Target target, String prefix, Status.State previous, Status status, String suffix) {
        return json(target, prefix, previous == null ? null : name(previous), status.state(),
                status.lastBeat().map(Instant::toString).orElse(null),
                status.deadline().map(Instant::toString).orElse(null),
                status.fault().map(f -> f.name().toLowerCase(Locale.ROOT)).orElse(null),
                status.errno().orElse(null),
                status.state() == Status.State.UNKNOWN ? status.reason() : null, suffix);
    }

    static String json(Path path, Status.State state, String lastBeat, String deadline, String fault,
            String errno, String reason) {
        return json(new Target(path, path, null), null, null, state, lastBeat, deadline, fault, errno, reason, null);
    }

    /**
     * The one writer of a state object. {@code previous}, if not null, is watch's previous state;
     * {@code suffix}, if not null, holds members (with a leading comma) that come last, such as
     * status's {@code owner}.
     */
    static String json(Target target, String prefix, String previous, Status.State state, String lastBeat,
            String deadline, String fault, String errno, String reason, String suffix) {
        StringBuilder b = new StringBuilder(128).append('{');
        if (prefix != null) {
            b.append(prefix);
        }
        member(b, "path", target.path().toString());
        if (previous != null) {
            member(b.append(','), "previous", previous);
        }
        member(b.append(','), "status", name(state));
        if (lastBeat != null) {
            member(b.append(','), "last_beat", lastBeat);
        }
        if (deadline != null) {
            member(b.append(','), "deadline", deadline);
        }
        if (fault != null) {
            member(b.append(','), "fault", fault);
        }
        if (errno != null) {
            member(b.append(','), "errno", errno);
        }
        if (reason != null) {
            member(b.append(','), "reason", reason);
        }
        if (target.isService()) {
            member(b.append(','), "supervisor", target.supervisor());
            member(b.append(','), "beacon", target.beacon().toString());
        }
        if (suffix != null) {
            b.append(suffix);
        }
        return b.append('}').toString();
    }

    static String name(Status.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    static void member(StringBuilder b, String key, String value) {
        string(b, key);
        b.append(':');
        string(b, value);
    }

    /** RFC 8259 string: quote, backslash and the C0 controls escaped; everything else as is. */
    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
