package dev.lifeline.cli;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.StatusJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * How the commands whose exit status is an answer ({@code check}, {@code wait}, {@code status},
 * and {@link FastCheck}) give it: the one mapping from states to exit codes, the order of badness
 * among them, the human line and the JSON object of a state, and the diagnostics on stderr. The
 * JSON is lifeline-core's ({@link StatusJson}); this class only adds what the CLI knows about a
 * path (the path as given, a service directory's supervisor).
 *
 * <p>Exit codes follow the LSB {@code status} convention: 0 alive, 1 dead, 3 absent, 4 unknown
 * ({@link Main#EXIT_UNKNOWN}); 150 for hung.
 */
final class Answers {
    static final int EXIT_ALIVE = 0;
    static final int EXIT_DEAD = 1;
    static final int EXIT_ABSENT = 3;
    /** Outside LSB's range on purpose: a caller that knows only LSB must not read it as dead. */
    static final int EXIT_HUNG = 150;

    private Answers() {
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

    /** Of two exit codes, the worse, in the order of badness: unknown, dead, hung, absent, alive. */
    static int worse(int a, int b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(int exitCode) {
        return switch (exitCode) {
            case Main.EXIT_UNKNOWN -> 4;
            case EXIT_DEAD -> 3;
            case EXIT_HUNG -> 2;
            case EXIT_ABSENT -> 1;
            default -> 0;
        };
    }

    /**
     * Prints the answer as {@code output} asks and returns {@code exitCode}, or 4 if stdout could
     * not take it. {@code what} names the action in the diagnostic, such as {@code check /run/x}.
     */
    static int answer(PrintWriter out, PrintWriter err, CheckCommand.Output output, String what, String human,
            String json, int exitCode) {
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

    /**
     * No check could even start at {@code path} (unsupported platform, native access denied): the
     * reason on stderr, and still an answer of the documented shape, "unknown".
     */
    static int cannotCheck(PrintWriter out, PrintWriter err, CheckCommand.Output output, String what, Path path,
            RuntimeException e) {
        err.println("lifeline: unable to " + what + ": " + Main.show(e.getMessage()));
        err.flush();
        return answer(out, err, output, what, Main.show(path) + ": unknown", unknownJson(path, e.getMessage()),
                Main.EXIT_UNKNOWN);
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

    /** {@code alive}, {@code hung}, ...: a state as every line and object names it. */
    static String name(Status.State state) {
        return StatusJson.name(state);
    }

    // -- The human line --

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
        return Main.tenths(d) + " s";
    }

    // -- The JSON object (docs/cli/json.md) --

    /**
     * The object for {@code status}, found for {@code target}: {@link Status#toJson()}, but with
     * {@code path} as given, and for a service directory {@code supervisor} and {@code beacon}.
     */
    static String json(Target target, Status status) {
        return json(target, null, null, status, null);
    }

    /**
     * As {@link #json(Target, Status)}, with watch's {@code time} (first) and {@code previous}
     * (after {@code path}) where not null, and {@code suffix}, if not null, members with a leading
     * comma that come last, such as status's {@code owner}.
     */
    static String json(Target target, String time, Status.State previous, Status status, String suffix) {
        StringBuilder b = new StringBuilder(128).append('{');
        if (time != null) {
            StatusJson.appendMember(b, "time", time).append(',');
        }
        StatusJson.appendMember(b, "path", target.path().toString());
        if (previous != null) {
            StatusJson.appendMember(b.append(','), "previous", name(previous));
        }
        StatusJson.appendState(b.append(','), status);
        if (target.isService()) {
            StatusJson.appendMember(b.append(','), "supervisor", target.supervisor());
            StatusJson.appendMember(b.append(','), "beacon", target.beacon().toString());
        }
        if (suffix != null) {
            b.append(suffix);
        }
        return b.append('}').toString();
    }

    /** The object when no check could start: {@code path}, {@code status} unknown, and {@code reason}. */
    static String unknownJson(Path path, String reason) {
        StringBuilder b = new StringBuilder(128).append('{');
        StatusJson.appendMember(b, "path", path.toString());
        StatusJson.appendMember(b.append(','), "status", name(Status.State.UNKNOWN));
        if (reason != null) {
            StatusJson.appendMember(b.append(','), "reason", reason);
        }
        return b.append('}').toString();
    }
}
