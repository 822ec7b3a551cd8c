package dev.lifeline.serve;

import dev.lifeline.Status;
import java.time.Instant;
import java.util.Locale;

/** The JSON this server writes, by hand: a handful of flat objects need no library. */
final class Json {
    private Json() {
    }

    /** One beacon, with the keys of {@code lifeline check --json} and the server's own additions. */
    static String beacon(String name, Status status, long changedAtMillis, long transitions) {
        StringBuilder b = new StringBuilder(192).append('{');
        field(b, "name", name).append(',');
        field(b, "path", status.path().toString()).append(',');
        field(b, "status", status.state().name().toLowerCase(Locale.ROOT));
        status.lastBeat().ifPresent(t -> field(b.append(','), "last_beat", t.toString()));
        status.deadline().ifPresent(t -> field(b.append(','), "deadline", t.toString()));
        if (status.state() == Status.State.UNKNOWN) {
            status.fault().ifPresent(f -> field(b.append(','), "fault", f.name().toLowerCase(Locale.ROOT)));
            status.errno().ifPresent(e -> field(b.append(','), "errno", e));
            field(b.append(','), "reason", status.reason());
        }
        field(b.append(','), "since", Instant.ofEpochMilli(changedAtMillis).toString());
        b.append(",\"transitions\":").append(transitions);
        return b.append('}').toString();
    }

    static StringBuilder field(StringBuilder b, String key, String value) {
        return string(string(b, key).append(':'), value);
    }

    static StringBuilder string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
