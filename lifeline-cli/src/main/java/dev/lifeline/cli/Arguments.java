package dev.lifeline.cli;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Arguments Java cannot pass on as the bytes they were. The JVM decodes argv with the locale's
 * charset ({@code sun.jnu.encoding}, which no option changes): under a UTF-8 locale a byte that
 * is not valid UTF-8 becomes U+FFFD, under the C locale every byte above 0x7F does, and a path
 * made of that string names another file. So {@code hold $'\xff'} would make a FIFO under another
 * name, and {@code check} would answer for a file nobody named. Such an argument is refused, as a
 * usage error, before any command runs.
 *
 * <p>Only an argument holding U+FFFD can have lost bytes, and a real U+FFFD (bytes EF BF BD) is a
 * valid name: the bytes the process was really given, in {@code /proc/self/cmdline}, tell the
 * two apart. That file is read only then, so a plain check pays nothing for it. (The launcher
 * could test each argument in bash instead, but not without a fork or a locale switch on every
 * call, and {@code java -jar} callers would not be covered.)
 */
final class Arguments {
    private Arguments() {
    }

    /** The message refusing {@code args}, or null when every argument is its own bytes. */
    static String refusal(String[] args) {
        int first = -1;
        for (int i = 0; i < args.length && first < 0; i++) {
            if (args[i].indexOf('\uFFFD') >= 0) {
                first = i;
            }
        }
        if (first < 0) {
            return null;
        }
        Charset jnu = jnu();
        List<byte[]> raw = cmdline();
        for (int i = first; i < args.length; i++) {
            if (args[i].indexOf('\uFFFD') < 0) {
                continue;
            }
            byte[] given = raw == null || raw.size() < args.length ? null : raw.get(raw.size() - args.length + i);
            if (given != null && Arrays.equals(given, args[i].getBytes(jnu))) {
                continue; // a real U+FFFD, passed on as the bytes it was
            }
            String shown = given == null ? Main.show(args[i]) : Main.show(given);
            if (given != null && !validUtf8(given)) {
                return "lifeline: argument " + (i + 1) + " (" + shown + ") is not valid UTF-8; Java cannot pass such"
                        + " a name on as it is, so lifeline refuses it rather than use another name."
                        + " Rename the file, or name it with a wildcard that matches its valid part.";
            }
            return "lifeline: argument " + (i + 1) + " (" + shown + ") cannot be passed on as it is under this locale"
                    + " (file names in " + jnu.name() + "); run lifeline with a UTF-8 locale, e.g. LC_ALL=C.UTF-8"
                    + " (the ./lifeline launcher does so itself where the caller's locale is not UTF-8).";
        }
        return null;
    }

    private static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static Charset jnu() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    /** This process's argv as the kernel holds it; the program's arguments are the last ones. */
    private static List<byte[]> cmdline() {
        byte[] all;
        try {
            all = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        List<byte[]> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == 0) {
                args.add(Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        return args;
    }
}
