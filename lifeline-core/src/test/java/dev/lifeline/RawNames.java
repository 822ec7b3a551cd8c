package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.internal.NativePath;
import dev.lifeline.testkit.RawBytes;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Names made of any bytes (invalid UTF-8, control characters, U+FFFD's own bytes, C1 controls,
 * format characters, backslashes), made real by {@code mkfifo} in a shell that gets them as
 * {@code printf} octal escapes, so that no Java charset stands between the test and the kernel.
 * For each: the directory listing Java gives names the kernel's exact bytes; a check answers what
 * is really there (DEAD for a FIFO nobody holds, ALIVE for one a shell holds, never ABSENT), as
 * the watcher does; and the human text of the name ({@link Names}) is one line of printable
 * characters from which every byte can be read back.
 *
 * <p>Run by {@link PropertiesTest} in its own JVM, and by {@link #main} in child JVMs under the C
 * and the C.UTF-8 locale: Java decodes file names with the locale's charset (sun.jnu.encoding),
 * ASCII under C, so the same bytes take other ways through Java under each.
 */
final class RawNames {
    private RawNames() {
    }

    enum Kind { FIFO, HELD, NOTHING }

    record Case(byte[] name, Kind kind) {
        @Override
        public String toString() {
            return kind + " " + RawBytes.octal(name);
        }
    }

    /** The property, in this JVM, in fresh directories under {@code base}; returns the labels. */
    static Trials run(Path base, int tries) throws Exception {
        Charset stdout = Charset.forName(System.getProperty("stdout.encoding", "UTF-8"));
        Map<Path, BlockingQueue<Status>> seen = new ConcurrentHashMap<>();
        try (Watcher watcher = Watcher.start(change ->
                seen.computeIfAbsent(change.path(), p -> new LinkedBlockingQueue<>()).add(change.status()))) {
            return Trials.forAll("names of any bytes under " + System.getProperty("sun.jnu.encoding"), tries,
                    (r, i) -> new Case(name(r), Kind.values()[r.nextInt(3)]), (c, labels) -> {
                Path dir = Files.createDirectory(base.resolve("raw-" + System.nanoTime()));
                Process holder = null;
                try {
                    Path path;
                    Status.State expected;
                    if (c.kind() == Kind.NOTHING) {
                        path = Path.of(URI.create(dir.toUri() + percent(c.name())));
                        expected = Status.State.ABSENT;
                    } else {
                        holder = RawBytes.mkfifo(dir, c.name(), c.kind() == Kind.HELD);
                        try (Stream<Path> listed = Files.list(dir)) {
                            List<Path> entries = listed.toList();
                            assertThat(entries).hasSize(1);
                            path = entries.get(0);
                        }
                        expected = c.kind() == Kind.HELD ? Status.State.ALIVE : Status.State.DEAD;
                    }
                    byte[] exact = concat(NativePath.bytes(dir), c.name());
                    assertThat(NativePath.bytes(path)).as("bytes of " + c).isEqualTo(exact);
                    Status status = Probe.of(path).check();
                    assertThat(status.state()).as("check of " + c + ": " + status).isEqualTo(expected);
                    Path relative = Path.of("").toAbsolutePath().relativize(path);
                    assertThat(Probe.of(relative).check().state()).as("relative " + relative).isEqualTo(expected);

                    watcher.watch(path);
                    Status first = seen.computeIfAbsent(path, p -> new LinkedBlockingQueue<>())
                            .poll(PropertiesTest.BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    assertThat(first).as("watcher's first report of " + c).isNotNull();
                    assertThat(first.state()).as("watcher of " + c).isEqualTo(expected);
                    watcher.unwatch(path);

                    for (Charset out : List.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII, stdout)) {
                        String shown = Names.printable(path, out);
                        assertPrintable(shown, out);
                        assertThat(RawBytes.unescape(shown)).as("bytes read back from " + shown).isEqualTo(exact);
                    }
                    assertPrintable(status.toString(), StandardCharsets.UTF_8);
                    labels.label(c.kind().toString());
                    labels.label(RawBytes.validUtf8(c.name()) ? "valid UTF-8" : "invalid UTF-8");
                } finally {
                    if (holder != null) {
                        holder.destroyForcibly().waitFor();
                    }
                    try (Stream<Path> left = Files.list(dir)) {
                        for (Path p : left.toList()) {
                            Files.delete(p);
                        }
                    }
                    Files.delete(dir);
                }
            });
        }
    }

    /** One to eight pieces, each an ASCII letter, a control, a stray byte, or a chosen character. */
    static byte[] name(SplittableRandom r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        do {
            b.reset();
            int pieces = 1 + r.nextInt(8);
            for (int i = 0; i < pieces; i++) {
                switch (r.nextInt(6)) {
                    case 0 -> b.write('a' + r.nextInt(26));
                    case 1 -> b.write(new int[] {'\n', '\t', '\r', 0x1b, 0x01, 0x7f, '\\', ' '}[r.nextInt(8)]);
                    case 2 -> b.write(0x80 + r.nextInt(0x80)); // never valid alone
                    case 3 -> b.writeBytes(Character.toString(new int[] {0xFFFD, 0x85, 0x9B, 0x202E, 0x200B, 0x2028,
                            0xE9, 0x1F600, 0x0301}[r.nextInt(9)]).getBytes(StandardCharsets.UTF_8));
                    case 4 -> b.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // a surrogate: invalid
                    default -> b.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xAF}); // overlong '/': invalid
                }
            }
        } while (b.size() == 1 && b.toByteArray()[0] == '.' || b.size() == 2 && "..".equals(b.toString(StandardCharsets.ISO_8859_1)));
        return b.toByteArray();
    }

    static void assertPrintable(String shown, Charset out) {
        assertThat(out.newEncoder().canEncode(shown)).as("encodable in " + out + ": " + shown).isTrue();
        shown.codePoints().forEach(cp -> assertThat(switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.UNASSIGNED, Character.SURROGATE -> false;
            default -> true;
        }).as("printable U+%04X in %s", cp, shown).isTrue());
    }

    private static String percent(byte[] name) {
        StringBuilder b = new StringBuilder();
        for (byte x : name) {
            b.append('%').append(HexFormat.of().withUpperCase().toHexDigits(x));
        }
        return b.toString();
    }

    private static byte[] concat(byte[] dir, byte[] name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(dir);
        b.write('/');
        b.writeBytes(name);
        return b.toByteArray();
    }

    /** In a child JVM: {@code RawNames DIR TRIES EXPECTED_JNU}; exits 0 when the property holds. */
    public static void main(String[] args) throws Exception {
        String jnu = System.getProperty("sun.jnu.encoding");
        if (!jnu.equals(args[2])) {
            System.out.println("sun.jnu.encoding is " + jnu + ", not " + args[2]);
            System.exit(3);
        }
        run(Path.of(args[0]), Integer.parseInt(args[1]));
        System.exit(0);
    }
}
