package dev.lifeline.internal.linux;

import dev.lifeline.internal.NativePath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A beacon the {@link EpollLoop} follows, with all the loop knows of it: touched only on its thread. */
final class LoopEntry {
    final int id;
    final NativePath path;
    final Path dir;
    final String dirKey;
    final String name;
    int fifoWatch = -1;
    int writeFd = -1;
    /** The {@link Outcome#key()} last reported. */
    int last = Integer.MIN_VALUE;
    int generation;
    long backoff = InotifyWatches.MIN_BACKOFF_MILLIS;
    boolean removed;

    LoopEntry(int id, NativePath path) {
        this.id = id;
        this.path = path;
        // Keys are the kernel's bytes, one char per byte (ISO-8859-1), as inotify names them:
        // a name Java cannot decode still matches exactly its own events.
        Path absolute = path.path().toAbsolutePath();
        Path parent = absolute.getParent();
        this.dir = parent == null ? Path.of("/") : parent;
        this.dirKey = new String(NativePath.bytes(dir), StandardCharsets.ISO_8859_1);
        Path file = absolute.getFileName();
        this.name = file == null ? "" : new String(NativePath.bytes(file), StandardCharsets.ISO_8859_1);
    }
}
