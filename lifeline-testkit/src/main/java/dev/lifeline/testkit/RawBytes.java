package dev.lifeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * File names as the kernel has them, bytes rather than Java strings: made real by {@code mkfifo}
 * in a shell that gets them as {@code printf} octal escapes, so that no Java charset stands
 * between a test and the kernel; and read back from the {@code ls -b} style text lifeline shows.
 * Byte searches for the tests that read files as bytes (jars, uploads).
 */
public final class RawBytes {
    private RawBytes() {
    }

    /** The name as {@code printf} octal escapes, {@code \ooo} a byte: ASCII, whatever the bytes. */
    public static String octal(byte[] name) {
        StringBuilder b = new StringBuilder();
        for (byte x : name) {
            b.append('\\').append(String.format("%03o", x & 0xff));
        }
        return b.toString();
    }

    /** The bytes an {@code ls -b} style text stands for. */
    public static byte[] unescape(String shown) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c != '\\') {
                int cp = shown.codePointAt(i);
                b.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp) - 1;
                continue;
            }
            char e = shown.charAt(++i);
            switch (e) {
                case 'a' -> b.write(7);
                case 'b' -> b.write(8);
                case 't' -> b.write(9);
                case 'n' -> b.write(10);
                case 'v' -> b.write(11);
                case 'f' -> b.write(12);
                case 'r' -> b.write(13);
                case '\\' -> b.write('\\');
                default -> {
                    b.write(Integer.parseInt(shown.substring(i, i + 3), 8));
                    i += 2;
                }
            }
        }
        return b.toByteArray();
    }

    /** Where {@code needle} first stands in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    public static boolean validUtf8(byte[] name) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(name));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * Makes a FIFO named {@code name} in {@code dir} with mkfifo (mode 600); if {@code hold},
     * returns the shell that holds it open for reading (the caller ends it), else null.
     */
    public static Process mkfifo(Path dir, byte[] name, boolean hold) throws IOException, InterruptedException {
        // printf gets octal escapes only (ASCII); the x keeps $(...) from eating trailing newlines.
        String script = "n=$(printf \"$1x\"); n=${n%x}; mkfifo -m 600 -- \"$n\" || exit 1; "
                + (hold ? "exec 3<>\"$n\"; echo held; exec sleep 1000" : "echo made");
        Process p = new ProcessBuilder("sh", "-c", script, "sh", octal(name)).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertThat(line).as("mkfifo of " + octal(name)).isEqualTo(hold ? "held" : "made");
        if (!hold) {
            assertThat(p.waitFor()).isZero();
            return null;
        }
        return p;
    }
}
