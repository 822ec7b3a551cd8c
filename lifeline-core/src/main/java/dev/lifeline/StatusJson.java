package dev.lifeline;

import java.util.Locale;

/**
 * The one writer of a {@link Status} as JSON: the state object that {@code lifeline check --json}
 * prints ({@link #of}, also {@link Status#toJson()}), and the pieces from which {@code watch},
 * {@code status} and {@code lifeline serve} build their objects around it ({@link #appendState},
 * {@link #appendMember}, {@link #appendString}), so that every program of lifeline writes a
 * status, and escapes a string, the same way. The keys and their order are those of the CLI's
 * {@code docs/cli/json.md}; a key without a value is left out, never {@code null}.
 *
 * <p>Strings are escaped as RFC 8259 requires, and a little more, so that the text is safe
 * wherever a line of it goes:
 * <ul>
 * <li>quote and backslash as {@code \"} and {@code \\};
 * <li>{@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code \f}, and every other C0 control as
 *     <code>&#92;u00XX</code> (lower-case hex): no name can break a line or drive a terminal;
 * <li>U+2028 and U+2029 as <code>&#92;u2028</code> and <code>&#92;u2029</code>: line terminators to JavaScript
 *     before ES2019 and to some line readers;
 * <li>a lone surrogate (half a character, which UTF-8 cannot encode) as U+FFFD, the character
 *     that a name's bytes that are not UTF-8 come out as already;
 * <li>everything else, every other non-ASCII character included, as it is (UTF-8 when encoded).
 * </ul>
 *
 * <p>Concurrency: stateless; safe for concurrent use.
 */
public final class StatusJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private StatusJson() {
    }

    /**
     * {@code status} as one JSON object on one line, the object of {@code lifeline check --json}:
     * {@code {"path":"/run/x","status":"alive","last_beat":"2026-...Z","deadline":"2026-...Z"}},
     * {@code {"path":"/tmp/f","status":"unknown","fault":"not_a_fifo","reason":"..."}}.
     */
    public static String of(Status status) {
        StringBuilder b = new StringBuilder(128).append('{');
        appendMember(b, "path", status.path().toString()).append(',');
        return appendState(b, status).append('}').toString();
    }

    /**
     * Appends the members that follow {@code path} in a state object, without a comma before or
     * after: {@code status}; {@code last_beat} and {@code deadline} for a holder that beats; and
     * for UNKNOWN, {@code fault} (lower case), {@code errno} when a system call failed, and
     * {@code reason}.
     *
     * @return {@code b}
     */
    public static StringBuilder appendState(StringBuilder b, Status status) {
        appendMember(b, "status", name(status.state()));
        if (status.lastBeat().isPresent()) {
            appendMember(b.append(','), "last_beat", status.lastBeat().get().toString());
        }
        if (status.deadline().isPresent()) {
            appendMember(b.append(','), "deadline", status.deadline().get().toString());
        }
        if (status.state() == Status.State.UNKNOWN) {
            if (status.fault().isPresent()) {
                appendMember(b.append(','), "fault", status.fault().get().name().toLowerCase(Locale.ROOT));
            }
            if (status.errno().isPresent()) {
                appendMember(b.append(','), "errno", status.errno().get());
            }
            appendMember(b.append(','), "reason", status.reason());
        }
        return b;
    }

    /** A state as JSON, the metrics and the human lines name it: {@code alive}, {@code hung}, ... */
    public static String name(Status.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Appends {@code "key":"value"}, both escaped as this class escapes every string.
     *
     * @return {@code b}
     */
    public static StringBuilder appendMember(StringBuilder b, String key, String value) {
        return appendString(appendString(b, key).append(':'), value);
    }

    /**
     * Appends {@code s} as a JSON string, quoted and escaped as the class description says.
     *
     * @return {@code b}
     */
    public static StringBuilder appendString(StringBuilder b, CharSequence s) {
        b.append('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\u2028', '\u2029' -> hex(b, c);
                default -> {
                    if (c < 0x20) {
                        hex(b, c);
                    } else if (!Character.isSurrogate(c)) {
                        b.append(c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else {
                        b.append('\uFFFD');
                    }
                }
            }
        }
        return b.append('"');
    }

    private static void hex(StringBuilder b, char c) {
        b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }
}
