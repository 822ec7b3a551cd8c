package dev.lifeline.agent;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The agent's options, as given after {@code -javaagent:lifeline-agent.jar=}:
 * {@code PATH[,heartbeat=DURATION][,exclusive][,mode=0600][,gc-overhead=PERCENT]}. PATH comes
 * first; the others in any order, each at most once. PATH is kept as written: a bare NAME is
 * resolved to the default beacon directory when the beacon is held, by lifeline-core's
 * {@code Lifeline.beaconPath}, the rule the {@code lifeline} command follows.
 *
 * <p>Durations as the {@code lifeline} command writes them: {@code 500ms}, {@code 3s},
 * {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT3S}). PATH cannot contain a comma.
 *
 * <p>Concurrency: immutable; safe for concurrent use.
 *
 * @param path        the beacon PATH or NAME, as written
 * @param heartbeat   the promise of each beat; null for a beacon that never beats
 * @param exclusive   whether the beacon must be held exclusively, or the JVM exits
 * @param mode        the permissions of a new FIFO, as an octal number (0600 by default)
 * @param gcOverhead  the share of wall time in garbage collection, in percent, at or above which
 *                    the JVM is not well (90 by default)
 */
public record AgentOptions(String path, Duration heartbeat, boolean exclusive, int mode, int gcOverhead) {
    /** The permissions of a new FIFO when no {@code mode=} is given. */
    public static final int DEFAULT_MODE = 0600;
    /** The GC overhead, in percent, at which the JVM stops being well when none is given. */
    public static final int DEFAULT_GC_OVERHEAD = 90;

    /**
     * Parses the agent's argument string.
     *
     * @param arguments what follows {@code =} in {@code -javaagent:}, or null when nothing does
     * @throws IllegalArgumentException with a message fit for one line on stderr, if the options
     *         are wrong
     */
    public static AgentOptions parse(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            throw new IllegalArgumentException("no beacon PATH given: use -javaagent:lifeline-agent.jar=PATH"
                    + "[,heartbeat=DURATION][,exclusive][,mode=0600][,gc-overhead=PERCENT]");
        }
        String[] parts = arguments.split(",", -1);
        String path = parts[0].strip();
        if (path.isEmpty() || path.contains("=") && !path.contains("/")) {
            throw new IllegalArgumentException("the beacon PATH must come first, not '" + parts[0] + "'");
        }
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a beacon PATH cannot hold a NUL character");
        }
        Duration heartbeat = null;
        boolean exclusive = false;
        Integer mode = null;
        Integer gcOverhead = null;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].strip();
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? null : part.substring(eq + 1).strip();
            switch (key) {
                case "exclusive" -> {
                    if (value != null) {
                        throw new IllegalArgumentException("'exclusive' takes no value, not '" + part + "'");
                    }
                    exclusive = once(exclusive ? Boolean.TRUE : null, Boolean.TRUE, key);
                }
                case "heartbeat" -> heartbeat = once(heartbeat, duration(required(key, value)), key);
                case "mode" -> mode = once(mode, mode(required(key, value)), key);
                case "gc-overhead" -> gcOverhead = once(gcOverhead, percent(required(key, value)), key);
                default -> throw new IllegalArgumentException("unknown option '" + part
                        + "' (known: heartbeat=DURATION, exclusive, mode=OCTAL, gc-overhead=PERCENT)");
            }
        }
        if (gcOverhead != null && heartbeat == null) {
            throw new IllegalArgumentException("gc-overhead needs heartbeat=DURATION: without beats nothing judges the GC");
        }
        return new AgentOptions(path, heartbeat, exclusive, mode == null ? DEFAULT_MODE : mode,
                gcOverhead == null ? DEFAULT_GC_OVERHEAD : gcOverhead);
    }

    /**
     * Whether {@code arguments} ask for {@code exclusive}, read leniently: true for options that
     * name it even where the rest cannot be parsed, so that a single-instance guard with a typo
     * elsewhere still refuses to let the application run unguarded.
     */
    public static boolean asksExclusive(String arguments) {
        if (arguments == null) {
            return false;
        }
        String[] parts = arguments.split(",", -1);
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].strip().startsWith("exclusive")) {
                return true;
            }
        }
        return false;
    }

    private static <T> T once(T previous, T value, String key) {
        if (previous != null) {
            throw new IllegalArgumentException("'" + key + "' given twice");
        }
        return value;
    }

    private static String required(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("'" + key + "' needs a value: " + key + "=...");
        }
        return value;
    }

    /** {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601; at least 3 ms. */
    static Duration duration(String text) {
        Duration d;
        try {
            String t = text.toLowerCase(Locale.ROOT);
            if (t.startsWith("pt") || t.startsWith("p")) {
                d = Duration.parse(text);
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("d")) {
                d = Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
            } else {
                throw new IllegalArgumentException("a duration needs a unit (500ms, 3s, 2m, 1h): '" + text + "'");
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (500ms, 3s, 2m, 1h)");
        }
        if (d.toMillis() < 3) {
            throw new IllegalArgumentException("a heartbeat of at least 3ms is needed, not '" + text + "'");
        }
        return d;
    }

    private static int mode(String text) {
        if (!text.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("mode must be octal permissions such as 0600 or 0640, not '" + text + "'");
        }
        int mode = Integer.parseInt(text, 8);
        if ((mode & 0600) != 0600) {
            throw new IllegalArgumentException("mode must let the owner read and write (0600 at least), not '" + text + "'");
        }
        return mode;
    }

    private static int percent(String text) {
        String t = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
        int p;
        try {
            p = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gc-overhead must be a whole percentage from 1 to 100, not '" + text + "'");
        }
        if (p < 1 || p > 100) {
            throw new IllegalArgumentException("gc-overhead must be a whole percentage from 1 to 100, not '" + text + "'");
        }
        return p;
    }
}
