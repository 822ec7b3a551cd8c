package dev.lifeline.cli;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Whether the AOT cache this JVM started with is still the one made for its jars, for the source
 * tree's {@code ./lifeline}, which asks by passing {@value #PROPERTY} (the path of its cache's
 * index) to check, status and wait.
 *
 * <p>The JVM itself takes a cache when each jar's size and modification time match, and on JDK 25
 * then runs the cached classes even if the jar's bytes changed (JDK-8377932). So the launcher names
 * each cache after a hash of the jars, and remembers in the index the fingerprint of the files it
 * hashed: per line, {@code NAME SIZE INODE MTIME CTIME} (as {@code stat -L -c '%n %s %i %.9Y %.9Z'}
 * prints them; times in seconds with nine decimals). The change time cannot be set back, so a jar
 * rewritten or replaced never matches its old line. Comparing the lines took the launcher a
 * {@code stat} process on every call; here it takes a {@code stat} call per file, in the JVM that
 * is starting anyway, before anything is answered. A mismatch exits {@link #EXIT_STALE} at once,
 * and the launcher makes the cache again and runs the command anew: what the stale classes did
 * until then is this check alone, which answers nothing.
 */
final class StartupCache {
    /** The system property that names the index; unset, nothing is checked. */
    static final String PROPERTY = "lifeline.cache.index";
    /**
     * The system property that holds the key of the cache the JVM was given: the index must still
     * be that cache's, not one another call wrote since for new jars.
     */
    static final String KEY_PROPERTY = "lifeline.cache.key";
    /** The exit code that tells {@code ./lifeline} its cache is stale: no answer was given. */
    static final int EXIT_STALE = 199;

    private StartupCache() {
    }

    /**
     * True when the index is the one of the cache {@code key}, and every file it names still has
     * the size, inode, modification and change time it has there. An index that cannot be read or
     * parsed is no match.
     */
    static boolean matches(Path index, String key) {
        String text;
        try (FileInputStream in = new FileInputStream(index.toFile())) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return false;
        }
        // The first line is the cache's key; each further line one file.
        int start = text.indexOf('\n') + 1;
        if (start == 0 || start >= text.length() || !text.substring(0, start - 1).equals(key)) {
            return false;
        }
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            if (end > start && !lineMatches(text.substring(start, end))) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }

    /** One line, {@code NAME SIZE INODE MTIME CTIME}: the name may hold spaces, the rest cannot. */
    static boolean lineMatches(String line) {
        int end = line.length();
        for (int field = 0; field < 4; field++) {
            end = line.lastIndexOf(' ', end - 1);
            if (end <= 0) {
                return false;
            }
        }
        try {
            return line.equals(fingerprint(line.substring(0, end)));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The index's line for {@code file} as it is now, the name as given (so that {@code a//b} stays
     * what the launcher wrote): {@code NAME SIZE INODE MTIME CTIME}, symbolic links followed.
     */
    static String fingerprint(String file) throws IOException {
        Map<String, Object> now = Files.readAttributes(Path.of(file), "unix:size,ino,lastModifiedTime,ctime");
        return file + ' ' + now.get("size") + ' ' + now.get("ino") + ' ' + seconds((FileTime) now.get("lastModifiedTime"))
                + ' ' + seconds((FileTime) now.get("ctime"));
    }

    /** A time as {@code stat}'s {@code %.9Y} prints it: whole seconds, a dot, nine digits. */
    static String seconds(FileTime time) {
        long nanos = time.to(TimeUnit.NANOSECONDS);
        long whole = Math.floorDiv(nanos, 1_000_000_000L);
        String fraction = Long.toString(Math.floorMod(nanos, 1_000_000_000L));
        return whole + "." + "000000000".substring(fraction.length()) + fraction;
    }
}
