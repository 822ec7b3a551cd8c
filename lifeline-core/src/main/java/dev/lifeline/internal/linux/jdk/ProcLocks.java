package dev.lifeline.internal.linux.jdk;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Who holds a POSIX lock on a file's first byte, read from {@code /proc/locks} rather than asked
 * with {@code fcntl(F_GETLK)}, which the JDK has no native for (linking one through FFM costs a
 * command as much as all the rest of a check). Answers only where the table is unambiguous and
 * speaks in this process's pid numbers; everywhere else {@link #UNSURE}, and the caller asks the
 * kernel with F_GETLK after all.
 *
 * <p>F_GETLK for a write lock on byte 0 reports the first lock that conflicts: any lock on that
 * byte but this process's own POSIX locks, with its owner's pid for a POSIX lock and -1 (which
 * lifeline reads as unknown, 0) for an open-file-description lock. Here: the held (not waiting)
 * POSIX and OFD locks on the same device and inode whose range covers byte 0, this process's
 * POSIX ones left out. None: 0. One, or several that all give the same answer: that answer. Others
 * (which one F_GETLK reports depends on the kernel's list order): unsure.
 */
final class ProcLocks {
    static final int UNSURE = Integer.MIN_VALUE;
    private static final String LOCKS = "/proc/locks";

    private ProcLocks() {
    }

    /** The pid F_GETLK would report for the file (st_dev {@code dev}, {@code ino}); 0 if none; or {@link #UNSURE}. */
    static int holderPid(long dev, long ino) {
        long self = selfInProcNamespace();
        if (self <= 0) {
            return UNSURE;
        }
        String table;
        try {
            table = read(LOCKS);
        } catch (IOException | RuntimeException unreadable) {
            return UNSURE;
        }
        // /proc/locks names the device as the kernel's major:minor in hex (%02x:%02x); st_dev is
        // glibc's encoding of the two (gnu_dev_major, gnu_dev_minor).
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        int answer = -1;
        for (int at = 0, end; at < table.length(); at = end + 1) {
            end = table.indexOf('\n', at);
            if (end < 0) {
                end = table.length();
            }
            String line = table.substring(at, end);
            String[] f = fields(line);
            // "N: POSIX ADVISORY READ pid maj:min:ino start end"; a waiter has "->" after "N:".
            if (f.length != 8 || !f[0].endsWith(":")) {
                if (line.isBlank() || (f.length > 1 && f[1].equals("->"))) {
                    continue;
                }
                return UNSURE; // a line of a shape not known here
            }
            if (!sameFile(f[5], major, minor, ino) || !(f[1].equals("POSIX") || f[1].equals("OFDLCK"))) {
                continue;
            }
            long pid;
            long start;
            try {
                pid = Long.parseLong(f[4]);
                start = Long.parseLong(f[6]);
            } catch (NumberFormatException e) {
                return UNSURE;
            }
            if (start != 0) {
                continue; // starts after byte 0 (lifeline's OFD announcement is on byte 1)
            }
            int pidAnswer;
            if (f[1].equals("POSIX")) {
                if (pid == self) {
                    continue; // F_GETLK never reports the asking process's own locks
                }
                pidAnswer = pid > 0 && pid <= Integer.MAX_VALUE ? (int) pid : 0;
            } else {
                pidAnswer = 0;
            }
            if (answer >= 0 && answer != pidAnswer) {
                return UNSURE;
            }
            answer = pidAnswer;
        }
        return Math.max(answer, 0);
    }

    /** The fields of a line, split at runs of spaces and tabs (no regex: a check loads no regex classes). */
    private static String[] fields(String line) {
        java.util.ArrayList<String> fields = new java.util.ArrayList<>(9);
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                i++;
            }
            if (i > start) {
                fields.add(line.substring(start, i));
            }
        }
        return fields.toArray(new String[0]);
    }

    /** Whether {@code field} ("fe:00:1234": major and minor in hex, the inode in decimal) names this file. */
    private static boolean sameFile(String field, long major, long minor, long ino) {
        String[] parts = colons(field);
        if (parts == null) {
            return false;
        }
        try {
            return Long.parseLong(parts[0], 16) == major && Long.parseLong(parts[1], 16) == minor
                    && Long.parseUnsignedLong(parts[2]) == ino;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** "a:b:c" as its three parts; null for any other shape. */
    private static String[] colons(String text) {
        int first = text.indexOf(':');
        int second = first < 0 ? -1 : text.indexOf(':', first + 1);
        if (second < 0 || text.indexOf(':', second + 1) >= 0) {
            return null;
        }
        return new String[] {text.substring(0, first), text.substring(first + 1, second), text.substring(second + 1)};
    }

    /**
     * This process's pid, if /proc speaks in its pid numbers (F_GETLK does, /proc/locks in those of
     * the pid namespace /proc was mounted for); else -1. The {@code NSpid} line of
     * /proc/self/status lists the process's pid in each namespace from /proc's own down to the
     * process's: one number, and the two are the same namespace, that number its pid there. No
     * {@code ProcessHandle}: making its class cost status 1.3 ms on each call (issue 17). Kernels
     * before 4.1 have no such line: unsure, and F_GETLK answers.
     */
    static long selfInProcNamespace() {
        try {
            return selfIn(read("/proc/self/status"));
        } catch (IOException | RuntimeException unreadable) {
            return -1;
        }
    }

    /**
     * A file of /proc, whole. Through java.io, loaded with the JVM: Files.readAllBytes would load
     * and run the channel classes, which cost status about a millisecond on each call (issue 17).
     */
    private static String read(String file) throws IOException {
        try (FileInputStream in = new FileInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** {@link #selfInProcNamespace()} from the text of /proc/self/status. */
    static long selfIn(String status) {
        int at = status.indexOf("\nNSpid:");
        if (at < 0) {
            return -1;
        }
        int start = at + "\nNSpid:".length();
        int end = status.indexOf('\n', start);
        String[] pids = fields(status.substring(start, end < 0 ? status.length() : end));
        if (pids.length != 1) {
            return -1;
        }
        try {
            return Long.parseLong(pids[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
