package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.RawBytes;
import dev.lifeline.testkit.Running;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names of any bytes on the command line and in listed directories, under the C locale (Java
 * decodes names as ASCII there) and under C.UTF-8, in child JVMs started directly (the launcher's
 * own locale switch is tested in LauncherIT). Names are made by {@code mkfifo} and passed as
 * arguments by {@code sh}, from {@code printf} octal escapes: no Java charset stands between the
 * test and the bytes. The rule under test: a name is checked exactly as its bytes are or refused
 * with exit 2; a FIFO a listing found is never ABSENT; every human line is one line of printable
 * characters from which the name's bytes can be read back ({@code ls -b} escapes).
 *
 * <p>The names are random, from a seed printed with each run ({@code -Dlifeline.names.seed=N}
 * repeats one).
 */
class NamesTest {
    private static final long SEED = Long.getLong("lifeline.names.seed", new SecureRandom().nextLong());
    private static final List<String> LOCALES = List.of("C", "C.UTF-8");
    private static final Pattern ROW = Pattern.compile("(alive|dead|absent|hung|unknown) +\\S+ +\\S+ +\\S+ +\\S+ +\\d+ us  (.*)");

    @TempDir
    Path dir;

    private final List<Process> holders = new ArrayList<>();

    @AfterEach
    void release() throws InterruptedException {
        for (Process p : holders) {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void statusAndWatchOfADirectoryAnswerForEveryFifoUnderItsExactNameUnderBothLocales() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        Path beacons = Files.createDirectory(dir.resolve("beacons"));
        Map<String, String> expected = new HashMap<>(); // name bytes (ISO-8859-1 string) -> state
        for (int i = 0; i < 16; i++) {
            byte[] name = name(r);
            if (expected.containsKey(latin1(name))) {
                continue;
            }
            boolean held = r.nextBoolean();
            mkfifo(beacons, name, held);
            expected.put(latin1(name), held ? "alive" : "dead");
        }
        assertThat(expected.keySet().stream().anyMatch(n -> !RawBytes.validUtf8(n.getBytes(StandardCharsets.ISO_8859_1))))
                .as("seed " + SEED + ": some name is not UTF-8").isTrue();
        byte[] prefix = (beacons + "/").getBytes(StandardCharsets.UTF_8);
        for (String locale : LOCALES) {
            String as = "LC_ALL=" + locale + ", seed " + SEED;
            Running.Result status = Cli.run(Cli.java("status", beacons.toString()), null, Map.of("LC_ALL", locale));
            String[] lines = status.stdout().split("\n", -1);
            assertThat(lines).as(as + "\n" + status).hasSize(expected.size() + 2); // header, rows, final ""
            Map<String, String> seen = new HashMap<>();
            for (int i = 1; i <= expected.size(); i++) {
                Matcher m = ROW.matcher(lines[i]);
                assertThat(m.matches()).as(as + ": row " + lines[i]).isTrue();
                assertPrintable(lines[i], locale, as);
                byte[] path = RawBytes.unescape(m.group(2));
                assertThat(Bytes.startsWith(path, prefix)).as(as + ": " + m.group(2)).isTrue();
                seen.put(latin1(Bytes.tail(path, prefix.length)), m.group(1));
            }
            assertThat(seen).as(as + "\n" + status).isEqualTo(expected);
            assertThat(status.exitCode()).as(as).isEqualTo(expected.containsValue("dead") ? 1 : 0);

            Running.Result watch = Cli.run(Cli.java("watch", beacons.toString(), "--count", Integer.toString(expected.size()),
                    "--timeout", "60s"), null, Map.of("LC_ALL", locale));
            assertThat(watch.exitCode()).as(as + "\n" + watch).isZero();
            Map<String, String> watched = new HashMap<>();
            for (String line : watch.stdout().split("\n")) {
                assertPrintable(line, locale, as);
                int first = line.indexOf(' ');
                int last = line.lastIndexOf(' ');
                byte[] path = RawBytes.unescape(line.substring(first + 1, last));
                watched.put(latin1(Bytes.tail(path, prefix.length)), line.substring(last + 1));
            }
            assertThat(watched).as(as + "\n" + watch).isEqualTo(expected);
        }
    }

    @Test
    void watchOfADirectoryFollowsFifosThatAppearLaterUnderTheirExactNamesUnderBothLocales() throws Exception {
        for (String locale : LOCALES) {
            Path beacons = Files.createDirectory(dir.resolve("later-" + locale));
            byte[] prefix = (beacons + "/").getBytes(StandardCharsets.UTF_8);
            List<byte[]> names = List.of(bytes('n', 0xff, '\n', 'x'), "w\u00f6rker\u202e".getBytes(StandardCharsets.UTF_8));
            Process watch = Cli.start(Cli.java("watch", beacons.toString(), "--count", "2", "--timeout", "60s"), null,
                    Map.of("LC_ALL", locale));
            var stdout = Cli.drain(watch.getInputStream());
            var stderr = Cli.drain(watch.getErrorStream());
            // Made while watch starts: found by its listing or by its directory watch, either way
            // under the exact name (the directory watch is registered before the listing).
            for (byte[] name : names) {
                mkfifo(beacons, name, false);
            }
            assertThat(Cli.waitFor(watch)).as("LC_ALL=" + locale + ": " + Cli.get(stderr)).isZero();
            Map<String, String> watched = new HashMap<>();
            for (String line : Cli.get(stdout).split("\n")) {
                assertPrintable(line, locale, "LC_ALL=" + locale);
                byte[] path = RawBytes.unescape(line.substring(line.indexOf(' ') + 1, line.lastIndexOf(' ')));
                watched.put(latin1(Bytes.tail(path, prefix.length)), line.substring(line.lastIndexOf(' ') + 1));
            }
            assertThat(watched).as("LC_ALL=" + locale).isEqualTo(Map.of(latin1(names.get(0)), "dead", latin1(names.get(1)), "dead"));
        }
    }

    @Test
    void argumentsAreCheckedAsTheirBytesOrRefusedAsUsageErrorsUnderBothLocales() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED ^ 0x5DEECE66DL);
        Path beacons = Files.createDirectory(dir.resolve("beacons"));
        List<byte[]> names = new ArrayList<>(List.of(bytes(0xff), bytes(0xef, 0xbf, 0xbd), "w\u00f6rker".getBytes(StandardCharsets.UTF_8),
                "a\nb".getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 4; i++) {
            names.add(name(r));
        }
        for (byte[] name : names) {
            mkfifo(beacons, name, false);
        }
        // 0xFF decoded is U+FFFD, encoded again EF BF BD: a FIFO by that name is there (dead), and
        // check \377 must not answer for it.
        for (String locale : LOCALES) {
            for (byte[] name : names) {
                String as = "LC_ALL=" + locale + ", name " + RawBytes.octal(name) + ", seed " + SEED;
                Running.Result check = viaShell(beacons, dotSlash(name), Map.of("LC_ALL", locale), "check");
                boolean passable = locale.equals("C") ? ascii(name) : RawBytes.validUtf8(name);
                if (passable) {
                    assertThat(check.exitCode()).as(as + "\n" + check).isEqualTo(1);
                    assertThat(check.stdout()).as(as).endsWith(": dead (the beacon is there and nobody holds it)\n")
                            .hasLineCount(1);
                    assertPrintable(check.stdout().strip(), locale, as);
                    assertThat(RawBytes.unescape(check.stdout().substring(0, check.stdout().indexOf(": dead"))))
                            .as(as).isEqualTo(dotSlash(name));
                } else {
                    assertThat(check.exitCode()).as(as + "\n" + check).isEqualTo(2);
                    assertThat(check.stdout()).as(as).isEmpty();
                    assertThat(check.stderr()).as(as).startsWith("lifeline: argument 2 (").hasLineCount(1)
                            .contains(RawBytes.validUtf8(name) ? "LC_ALL=C.UTF-8" : "is not valid UTF-8");
                    assertPrintable(check.stderr().strip(), locale, as);
                }
            }
            // hold of a name Java cannot pass makes nothing, under no other name either.
            Path empty = Files.createDirectory(dir.resolve("hold-" + locale));
            Running.Result hold = viaShell(empty, bytes('.', '/', 'w', 0xfe), Map.of("LC_ALL", locale), "hold", "--for", "1ms");
            assertThat(hold.exitCode()).as(hold.toString()).isEqualTo(2);
            try (Stream<Path> made = Files.list(empty)) {
                assertThat(made.toList()).as("LC_ALL=" + locale).isEmpty();
            }
        }
    }

    @Test
    void humanOutputShowsControlCharactersEscapedOnOneLine() throws Exception {
        // A name that would forge a watch line, then clear the screen.
        Path beacon = dir.resolve("x\n2026-01-01T00:00:00.000Z forged alive\u001b[2J\\");
        String shown = Pattern.quote(dir + "/x\\n2026-01-01T00:00:00.000Z forged alive\\033[2J\\\\");
        try (Running holder = Cli.hold("--exclusive", beacon.toString())) {
            assertThat(holder.line()).matches("holding " + shown + " \\(pid \\d+\\)");
            Running.Result check = Cli.run("check", beacon.toString());
            assertThat(check.stdout()).matches(shown + ": alive\n");
            Running.Result status = Cli.run("status", dir.toString());
            assertThat(status.stdout()).hasLineCount(2);
            assertThat(status.stdout().split("\n")[1]).matches("alive .*  " + shown);
            Running.Result watch = Cli.run("watch", dir.toString(), "--count", "1", "--timeout", "60s");
            assertThat(watch.stdout()).matches("\\S+ " + shown + " alive\n");
            Running.Result again = Cli.run("hold", "--exclusive", "--for", "1ms", beacon.toString());
            assertThat(again.stderr()).as(again.toString()).startsWith("lifeline: unable to hold " + dir + "/x\\n2026")
                    .hasLineCount(1);
        }
        Running.Result json = Cli.run("check", "--json", beacon.toString());
        assertThat(json.stdout()).as("JSON has its own exact escapes").contains("x\\n2026").contains("\\u001b[2J\\\\\"");
    }

    @Test
    void runAndExecPassTheCallersEnvironmentOnByteForByte() throws Exception {
        // A value that is not UTF-8, one with a newline: System.getenv() would have changed the first.
        for (String verb : List.of("run", "exec")) {
            Path out = dir.resolve(verb + ".env");
            Path direct = dir.resolve(verb + ".direct");
            List<String> command = new ArrayList<>(List.of("sh", "-c",
                    "export ODD=\"$(printf '\\377x\\nz')\"; env -0 > \"$1\"; shift; exec \"$@\"", "sh", direct.toString()));
            command.addAll(Cli.java(verb, dir.resolve(verb).toString(), "--", "sh", "-c", "env -0 > \"$1\"", "sh",
                    out.toString()));
            Running.Result r = Cli.run(command, null, Map.of("LC_ALL", "C"));
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(entries(Files.readAllBytes(out))).as(verb)
                    .isEqualTo(entries(Files.readAllBytes(direct)).stream().filter(e -> !e.startsWith("PWD=")).toList());
        }
    }

    /** The entries of {@code env -0}, as ISO-8859-1 strings, without LIFELINE_FD and those sh sets itself. */
    static List<String> entries(byte[] env) {
        List<String> all = new ArrayList<>();
        for (String e : new String(env, StandardCharsets.ISO_8859_1).split("\0")) {
            if (!e.isEmpty() && !e.startsWith("LIFELINE_FD=") && !e.startsWith("PWD=") && !e.startsWith("SHLVL=")
                    && !e.startsWith("_=")) {
                all.add(e);
            }
        }
        all.sort(null);
        return all;
    }

    private Running.Result viaShell(Path cwd, byte[] name, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "n=$(printf \"$1x\"); n=${n%x}; shift; exec \"$@\" \"$n\"",
                "sh", RawBytes.octal(name)));
        command.addAll(Cli.java(args));
        return Cli.run(command, cwd, env);
    }

    private void mkfifo(Path in, byte[] name, boolean hold) throws Exception {
        Process holder = RawBytes.mkfifo(in, name, hold);
        if (holder != null) {
            holders.add(holder);
        }
    }

    /** A letter, then up to six pieces: letters, controls, stray bytes, chosen characters, invalid sequences. */
    static byte[] name(SplittableRandom r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write('a' + r.nextInt(26));
        int pieces = 1 + r.nextInt(6);
        for (int i = 0; i < pieces; i++) {
            switch (r.nextInt(5)) {
                case 0 -> b.write('a' + r.nextInt(26));
                case 1 -> b.write(new int[] {'\n', '\t', '\r', 0x1b, 0x01, 0x7f, '\\', ' '}[r.nextInt(8)]);
                case 2 -> b.write(0x80 + r.nextInt(0x80));
                case 3 -> b.writeBytes(Character.toString(new int[] {0xFFFD, 0x85, 0x202E, 0x2028, 0xE9, 0x1F600}[r.nextInt(6)])
                        .getBytes(StandardCharsets.UTF_8));
                default -> b.writeBytes(bytes(0xed, 0xa0, 0x80)); // a UTF-16 surrogate: not UTF-8
            }
        }
        return b.toByteArray();
    }

    /** One line, only printable characters, and under the C locale only ASCII. */
    static void assertPrintable(String line, String locale, String as) {
        line.codePoints().forEach(cp -> {
            assertThat(Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                    || Character.getType(cp) == Character.LINE_SEPARATOR)
                    .as(as + ": U+%04X in %s", cp, line).isFalse();
            if (locale.equals("C")) {
                assertThat(cp).as(as + ": ASCII only: " + line).isLessThan(0x80);
            }
        });
    }

    /** {@code ./name}: a path in the working directory, not a bare NAME in the default directory. */
    static byte[] dotSlash(byte[] name) {
        byte[] b = new byte[name.length + 2];
        b[0] = '.';
        b[1] = '/';
        System.arraycopy(name, 0, b, 2, name.length);
        return b;
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static boolean ascii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }

    private static final class Bytes {
        static boolean startsWith(byte[] a, byte[] prefix) {
            return a.length >= prefix.length && java.util.Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
        }

        static byte[] tail(byte[] a, int from) {
            return java.util.Arrays.copyOfRange(a, from, a.length);
        }
    }

    static {
        System.out.println("NamesTest seed " + SEED + " (-Dlifeline.names.seed=" + SEED + " repeats it)");
    }
}
