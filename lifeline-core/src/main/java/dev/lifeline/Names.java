package dev.lifeline;

import dev.lifeline.internal.NativePath;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Names as a human may be shown them: one line, nothing a terminal would act on, and every byte
 * of the name recoverable from the text. A file name on Linux is any bytes but {@code /} and NUL:
 * a newline in it would forge a line of output, an escape sequence would drive the terminal, and
 * bytes that are not UTF-8 would come out as U+FFFD, which names another file.
 *
 * <p>The escapes are those of {@code ls -b}: a backslash is {@code \\}; {@code \a \b \t \n \v \f
 * \r} as in C; any other byte that is not part of a printable character is {@code \ooo}, three
 * octal digits. Printable means a valid UTF-8 sequence for a character that is not a control
 * (C0, DEL, C1), a format character (such as the bidirectional overrides U+202A..U+202E, or
 * U+200B), a line or paragraph separator, nor unassigned; and that the output's charset can
 * encode (under ASCII, every byte above 0x7F is escaped, as {@code ls -b} does in the C locale).
 * Spaces are left as they are. JSON output needs none of this: its own escapes are exact.
 *
 * <p>Concurrency: stateless; safe for concurrent use.
 */
public final class Names {
    private Names() {
    }

    /** The exact bytes of {@code path}'s name, escaped for UTF-8 output; see the class comment. */
    public static String printable(Path path) {
        return printable(path, StandardCharsets.UTF_8);
    }

    /** As {@link #printable(Path)}, escaping also what {@code output} cannot encode. */
    public static String printable(Path path, Charset output) {
        return escape(NativePath.bytes(path), output);
    }

    /** A name given as its bytes (such as a command-line argument's), escaped for {@code output}. */
    public static String printable(byte[] name, Charset output) {
        return escape(name, output);
    }

    /**
     * {@code text} (a message, a reason, a name already made a string) escaped for UTF-8 output:
     * its UTF-8 bytes, as for a path. A U+FFFD in it stays, as a printable character.
     */
    public static String printable(String text) {
        return printable(text, StandardCharsets.UTF_8);
    }

    /** As {@link #printable(String)}, escaping also what {@code output} cannot encode. */
    public static String printable(String text, Charset output) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '\\') {
                return escape(text.getBytes(StandardCharsets.UTF_8), output);
            }
        }
        return text; // printable ASCII, the usual case: nothing to do, nothing allocated
    }

    private static String escape(byte[] bytes, Charset output) {
        CharsetEncoder encoder = output.equals(StandardCharsets.UTF_8) ? null : output.newEncoder();
        StringBuilder b = new StringBuilder(bytes.length + 8);
        int i = 0;
        while (i < bytes.length) {
            int lead = bytes[i] & 0xff;
            int length = sequenceLength(bytes, i);
            int cp = length > 0 ? codePoint(bytes, i, length) : -1;
            if (length == 1 && lead >= 0x20 && lead < 0x7f) {
                if (lead == '\\') {
                    b.append('\\');
                }
                b.append((char) lead);
            } else if (length == 1 && named(lead) != 0) {
                b.append('\\').append(named(lead));
            } else if (length > 1 && printable(cp) && (encoder == null || encoder.canEncode(Character.toString(cp)))) {
                b.appendCodePoint(cp);
            } else {
                int n = Math.max(length, 1);
                for (int k = 0; k < n; k++) {
                    int v = bytes[i + k] & 0xff;
                    b.append('\\').append((char) ('0' + (v >> 6))).append((char) ('0' + ((v >> 3) & 7)))
                            .append((char) ('0' + (v & 7)));
                }
            }
            i += Math.max(length, 1);
        }
        return b.toString();
    }

    private static char named(int c) {
        return switch (c) {
            case 0x07 -> 'a';
            case 0x08 -> 'b';
            case 0x09 -> 't';
            case 0x0a -> 'n';
            case 0x0b -> 'v';
            case 0x0c -> 'f';
            case 0x0d -> 'r';
            default -> 0;
        };
    }

    private static boolean printable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.UNASSIGNED, Character.SURROGATE -> false;
            default -> true;
        };
    }

    /**
     * The length of the well-formed UTF-8 sequence at {@code i} (Unicode's table 3-7: no overlong
     * forms, no surrogates, nothing above U+10FFFF), or 0 if the byte there starts none.
     */
    private static int sequenceLength(byte[] s, int i) {
        int b0 = s[i] & 0xff;
        if (b0 < 0x80) {
            return 1;
        }
        int length;
        int lo = 0x80;
        int hi = 0xbf;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            length = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            length = 3;
            lo = b0 == 0xe0 ? 0xa0 : 0x80;
            hi = b0 == 0xed ? 0x9f : 0xbf;
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            length = 4;
            lo = b0 == 0xf0 ? 0x90 : 0x80;
            hi = b0 == 0xf4 ? 0x8f : 0xbf;
        } else {
            return 0;
        }
        if (i + length > s.length) {
            return 0;
        }
        int b1 = s[i + 1] & 0xff;
        if (b1 < lo || b1 > hi) {
            return 0;
        }
        for (int k = 2; k < length; k++) {
            int bk = s[i + k] & 0xff;
            if (bk < 0x80 || bk > 0xbf) {
                return 0;
            }
        }
        return length;
    }

    private static int codePoint(byte[] s, int i, int length) {
        int b0 = s[i] & 0xff;
        int cp = switch (length) {
            case 1 -> b0;
            case 2 -> b0 & 0x1f;
            case 3 -> b0 & 0x0f;
            default -> b0 & 0x07;
        };
        for (int k = 1; k < length; k++) {
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        return cp;
    }
}
