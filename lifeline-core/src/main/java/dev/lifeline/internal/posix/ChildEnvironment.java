package dev.lifeline.internal.posix;

import dev.lifeline.internal.NativePath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The argument and environment strings of a program that takes over a beacon, as the bytes
 * {@code execve} and {@code posix_spawn} want. Internal usage only.
 */
public final class ChildEnvironment {
    /** The environment variable that names the inherited beacon descriptor. */
    public static final String ENV = "LIFELINE_FD";
    /** The descriptor number a spawned child finds the beacon at, as systemd passes LISTEN_FDS from 3. */
    public static final int CHILD_FD = 3;
    /** Set by the ./lifeline launcher when it gave the JVM LC_ALL=C.UTF-8 for names' sake. */
    static final String LOCALE_CHANGED = "LIFELINE_LOCALE_CHANGED";
    /** The caller's own LC_ALL, which the launcher keeps here; absent if the caller had none. */
    static final String CALLER_LC_ALL = "LIFELINE_CALLER_LC_ALL";

    private ChildEnvironment() {
    }

    /** Each string as the bytes Java names files with. */
    public static List<byte[]> bytes(List<String> values) {
        return values.stream().map(ChildEnvironment::bytes).toList();
    }

    public static byte[] bytes(String value) {
        return NativePath.encode(value);
    }

    /**
     * The child's environment: this process's own, as the kernel handed it over (byte for byte,
     * from /proc/self/environ: System.getenv() has decoded it with the locale's charset, which
     * would turn bytes that are not UTF-8 into U+FFFD), without {@code env}'s round trip; then
     * LIFELINE_FD set to {@code fd}. Where the ./lifeline launcher switched the JVM's locale
     * ({@value #LOCALE_CHANGED}), its switch is undone: the caller's LC_ALL comes back as it was,
     * or goes if it was unset, so the program sees exactly the caller's environment. {@code env}
     * is used only if /proc/self/environ cannot be read.
     */
    public static List<byte[]> of(Map<String, String> env, int fd) {
        List<byte[]> entries = inheritedEnvironment();
        if (entries == null) {
            entries = new ArrayList<>();
            for (Map.Entry<String, String> e : env.entrySet()) {
                entries.add(NativePath.encode(e.getKey() + "=" + e.getValue()));
            }
        }
        boolean switched = entries.stream().anyMatch(e -> named(e, LOCALE_CHANGED));
        List<byte[]> kept = new ArrayList<>();
        for (byte[] e : entries) {
            if (named(e, ENV) || switched && (named(e, LOCALE_CHANGED) || named(e, "LC_ALL"))) {
                continue;
            }
            if (switched && named(e, CALLER_LC_ALL)) {
                byte[] restored = new byte["LC_ALL".length() + e.length - CALLER_LC_ALL.length()];
                System.arraycopy("LC_ALL".getBytes(StandardCharsets.US_ASCII), 0, restored, 0, "LC_ALL".length());
                System.arraycopy(e, CALLER_LC_ALL.length(), restored, "LC_ALL".length(), e.length - CALLER_LC_ALL.length());
                kept.add(restored);
                continue;
            }
            kept.add(e);
        }
        kept.add((ENV + "=" + fd).getBytes(StandardCharsets.US_ASCII));
        return kept;
    }

    /** Whether {@code entry} ({@code NAME=value}) sets {@code name}. */
    private static boolean named(byte[] entry, String name) {
        int n = name.length();
        if (entry.length <= n || entry[n] != '=') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (entry[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The environment this process was started with, entry by entry; null if it cannot be read. */
    private static List<byte[]> inheritedEnvironment() {
        byte[] all;
        try {
            all = Files.readAllBytes(Path.of("/proc/self/environ"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        List<byte[]> entries = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == 0) {
                if (i > start) {
                    entries.add(Arrays.copyOfRange(all, start, i));
                }
                start = i + 1;
            }
        }
        return entries;
    }
}
