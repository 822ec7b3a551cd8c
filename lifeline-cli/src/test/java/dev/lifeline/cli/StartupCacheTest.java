package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check that check, status and wait make first under {@code ./lifeline}: the cache's index
 * against the files as they are now, read by {@code stat(1)} as the launcher writes it (the
 * independent side), and by {@link StartupCache} through the JDK.
 */
class StartupCacheTest {
    private static final String KEY = "0123456789abcdef0123";

    @TempDir
    Path dir;

    /** The index as the launcher writes it: the key, then one `stat -L` line per file. */
    private Path index(String key, Path... files) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("stat", "-L", "-c", "%n %s %i %.9Y %.9Z", "--"));
        for (Path f : files) {
            command.add(f.toString());
        }
        Process stat = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String lines = new String(stat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(stat.waitFor()).isZero();
        return Files.writeString(dir.resolve("fingerprints"), key + "\n" + lines);
    }

    @Test
    void matchesWhatStatWroteForTheSameFiles() throws Exception {
        Path jar = Files.writeString(dir.resolve("a.jar"), "one");
        Path spaced = Files.writeString(dir.resolve("with  two spaces.jar"), "two");
        Path index = index(KEY, jar, spaced);

        assertThat(StartupCache.matches(index, KEY)).isTrue();
        for (Path f : List.of(jar, spaced)) {
            assertThat(StartupCache.fingerprint(f.toString())).isEqualTo(
                    Files.readAllLines(index).stream().filter(l -> l.startsWith(f + " ")).findFirst().orElseThrow());
        }
    }

    @Test
    void anotherKeyIsNoMatch() throws Exception {
        Path index = index(KEY, Files.writeString(dir.resolve("a.jar"), "one"));

        assertThat(StartupCache.matches(index, "ffffffffffffffffffff")).isFalse();
        assertThat(StartupCache.matches(index, null)).isFalse();
    }

    /** Same size, same inode, modification time set back: only the change time tells. */
    @Test
    void aFileRewrittenInPlaceWithItsOldTimesIsNoMatch() throws Exception {
        Path jar = Files.writeString(dir.resolve("a.jar"), "AAAA");
        FileTime modified = Files.getLastModifiedTime(jar);
        Path index = index(KEY, jar);
        String before = StartupCache.fingerprint(jar.toString());
        // File times come from a coarse clock: until a file written now gets another change time
        // than the jar's, a rewrite could keep the jar's.
        Path clock = dir.resolve("clock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            Files.writeString(clock, "tick");
        } while (Files.getAttribute(clock, "unix:ctime").equals(Files.getAttribute(jar, "unix:ctime"))
                && System.nanoTime() < deadline);
        Files.writeString(jar, "BBBB", StandardOpenOption.WRITE);
        Files.setLastModifiedTime(jar, modified);

        assertThat(Files.size(jar)).isEqualTo(4);
        assertThat(StartupCache.fingerprint(jar.toString())).isNotEqualTo(before);
        assertThat(StartupCache.matches(index, KEY)).isFalse();
    }

    @Test
    void aFileReplacedOrGoneIsNoMatch() throws Exception {
        Path jar = Files.writeString(dir.resolve("a.jar"), "one");
        Path index = index(KEY, jar);
        Path other = Files.writeString(dir.resolve("b.jar"), "one");
        Files.setLastModifiedTime(other, Files.getLastModifiedTime(jar));
        Files.move(other, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(StartupCache.matches(index, KEY)).as("replaced: another inode").isFalse();

        Files.delete(jar);
        assertThat(StartupCache.matches(index, KEY)).as("gone").isFalse();
    }

    @Test
    void anIndexThatCannotBeReadOrParsedIsNoMatch() throws Exception {
        Path jar = Files.writeString(dir.resolve("a.jar"), "one");
        String line = StartupCache.fingerprint(jar.toString());

        assertThat(StartupCache.matches(dir.resolve("none"), KEY)).as("no index").isFalse();
        for (String text : List.of("", KEY, KEY + "\n", KEY + "\n" + jar, KEY + "\n" + line.replace(' ', '_'),
                KEY + "\n" + line + " 1", KEY + "\n" + line.substring(0, line.lastIndexOf(' ')))) {
            Path index = Files.writeString(dir.resolve("fingerprints"), text);
            assertThat(StartupCache.matches(index, KEY)).as("index %s", text).isFalse();
        }
        Path index = Files.writeString(dir.resolve("fingerprints"), KEY + "\n" + line + "\n");
        assertThat(StartupCache.matches(index, KEY)).as("the same, well formed").isTrue();
    }

    @Test
    void secondsArePrintedAsStatPrintsThem() {
        assertThat(StartupCache.seconds(FileTime.from(1_796_453_119_126_126_052L, TimeUnit.NANOSECONDS)))
                .isEqualTo("1796453119.126126052");
        assertThat(StartupCache.seconds(FileTime.from(5, TimeUnit.NANOSECONDS))).isEqualTo("0.000000005");
    }
}
