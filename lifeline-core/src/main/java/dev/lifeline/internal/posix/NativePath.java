package dev.lifeline.internal.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;

/**
 * A path as the kernel wants it: a NUL-terminated byte string in native memory, made once and
 * reused for every call, so that a steady-state check allocates nothing. Internal usage only.
 *
 * <p>Concurrency: immutable; the native bytes are never written after construction, so any number
 * of threads may pass the same instance to system calls at once.
 */
public final class NativePath {
    // Java encodes file names with sun.jnu.encoding; using the same charset names the same file.
    private static final Charset CHARSET = jnuCharset();

    private final Path path;
    final MemorySegment segment;

    private NativePath(Path path, MemorySegment segment) {
        this.path = path;
        this.segment = segment;
    }

    /**
     * The native form of {@code path}.
     *
     * @throws ProviderMismatchException if {@code path} is not of the default file system
     * @throws IllegalArgumentException if the path is empty or holds a NUL character
     */
    public static NativePath of(Path path) {
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new ProviderMismatchException("lifeline needs a path of the default file system: " + path);
        }
        return of(path, path.toString());
    }

    /** As {@link #of(Path)}, from the exact string to hand to the kernel. */
    static NativePath of(Path path, String text) {
        byte[] bytes = text.getBytes(CHARSET);
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty path");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("path holds a NUL character: " + text.replace("\0", "\\0"));
            }
        }
        // An automatic arena: the bytes live exactly as long as something refers to this path.
        MemorySegment segment = Arena.ofAuto().allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        segment.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return new NativePath(path, segment);
    }

    public Path path() {
        return path;
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private static Charset jnuCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException unknown) {
            return StandardCharsets.UTF_8;
        }
    }
}
