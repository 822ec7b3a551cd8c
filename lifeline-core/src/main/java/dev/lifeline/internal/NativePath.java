package dev.lifeline.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A path as the kernel wants it: its exact bytes, and their native form for the platform's calls
 * (for the FFM backend a NUL-terminated string in native memory), made once and reused for every
 * call, so that a steady-state check allocates nothing. Internal usage only.
 *
 * <p>Concurrency: immutable; the native form is never written after construction, so any number
 * of threads may pass the same instance to system calls at once.
 */
public final class NativePath {
    // Java encodes file names with sun.jnu.encoding; using the same charset names the same file.
    private static final Charset CHARSET = jnuCharset();

    private final Path path;
    private final Object nativeForm;

    private NativePath(Path path, Object nativeForm) {
        this.path = path;
        this.nativeForm = nativeForm;
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
        return of(path, bytes(path));
    }

    /** {@code text} as the bytes this JVM names files with: the one charset lifeline encodes with. */
    public static byte[] encode(String text) {
        return text.getBytes(CHARSET);
    }

    /** As {@link #of(Path)}, from the exact string to hand to the kernel. */
    static NativePath of(Path path, String text) {
        return of(path, text.getBytes(CHARSET));
    }

    /** As {@link #of(Path)}, from the exact bytes to hand to the kernel. */
    static NativePath of(Path path, byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty path");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("path holds a NUL character: "
                        + new String(bytes, CHARSET).replace("\0", "\\0"));
            }
        }
        return new NativePath(path, Platform.current().nativeForm(bytes));
    }

    /**
     * The bytes the kernel knows {@code path} by, exactly.
     *
     * <p>A path that Java read from the kernel (a directory listing, a watch event) keeps the
     * kernel's bytes, but its string is decoded with {@code sun.jnu.encoding}, and bytes that
     * charset cannot decode become U+FFFD: invalid UTF-8 under a UTF-8 locale, every byte above
     * 0x7F under the C locale's ASCII. Encoding that string again names another file, or none:
     * a FIFO that is there would read as ABSENT. A string without U+FFFD was decoded without loss
     * and is encoded back (the steady, allocation-light way); one with U+FFFD is read back from the
     * path's {@code file:} URI, which {@code Path.toUri} escapes byte by byte ({@code %FF}). A real
     * U+FFFD in a name (bytes EF BF BD) takes that way too and comes out as the same bytes.
     */
    public static byte[] bytes(Path path) {
        String text = path.toString();
        if (text.indexOf('\uFFFD') < 0) {
            return text.getBytes(CHARSET);
        }
        byte[] absolute = unescape(path.toUri().getRawPath());
        int end = absolute.length;
        if (end > 1 && absolute[end - 1] == '/' && !text.endsWith("/")) {
            end--; // toUri marks a directory with a trailing slash; the path has none
        }
        if (path.isAbsolute()) {
            return Arrays.copyOf(absolute, end);
        }
        // toUri made the path absolute against the working directory: take that prefix off again,
        // so that a relative path stays relative, as the kernel resolves it.
        byte[] cwd = unescape(Path.of("").toAbsolutePath().toUri().getRawPath());
        int prefix = cwd.length > 0 && cwd[cwd.length - 1] == '/' ? cwd.length : cwd.length + 1;
        if (end <= prefix || !Arrays.equals(absolute, 0, cwd.length, cwd, 0, cwd.length)) {
            return Arrays.copyOf(absolute, end);
        }
        return Arrays.copyOfRange(absolute, prefix, end);
    }

    /**
     * The entry of {@code dir} whose name is {@code name}, the kernel's bytes. A name this JVM's
     * charset cannot decode without loss is looked up in a listing of {@code dir}, whose entries
     * keep the kernel's bytes; if it is gone already, a path with the decoded name stands for it.
     */
    public static Path resolve(Path dir, byte[] name) {
        String decoded = new String(name, CHARSET);
        if (Arrays.equals(decoded.getBytes(CHARSET), name)) {
            return dir.resolve(decoded);
        }
        try (java.nio.file.DirectoryStream<Path> entries = java.nio.file.Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Arrays.equals(bytes(entry.getFileName()), name)) {
                    return entry;
                }
            }
        } catch (java.io.IOException | RuntimeException unlistable) {
            // gone, or not ours to list: the decoded name is the best there is
        }
        return dir.resolve(decoded);
    }

    /** The bytes of a URI's raw path: {@code %XX} is the byte XX, anything else an ASCII byte. */
    private static byte[] unescape(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** What {@link Platform#nativeForm} made of the bytes: for the platform's own calls alone. */
    public Object nativeForm() {
        return nativeForm;
    }

    public Path path() {
        return path;
    }

    /**
     * The same path with another native form: for a backend that makes some calls itself and hands
     * the others to another backend, which takes its own form.
     */
    public NativePath withNativeForm(Object form) {
        return new NativePath(path, form);
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
