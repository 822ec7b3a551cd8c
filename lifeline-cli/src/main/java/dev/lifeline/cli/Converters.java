package dev.lifeline.cli;

import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line's values, from text: beacon paths, durations, heartbeats, modes and listen
 * addresses. Each converter turns a bad value into a usage error (exit 2, or the command's own
 * code for invalid input) with one line saying what is wrong.
 */
final class Converters {
    private Converters() {
    }

    /**
     * A beacon path from the command line. A bare NAME (no slash) lives in the default beacon
     * directory ({@link BeaconDirectory}). An empty argument is a usage error here rather than a
     * library exception later ({@code Path.of("")} is the current directory's empty name).
     */
    static final class PathConverter implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("the path is empty");
            }
            try {
                return BeaconDirectory.resolve(value);
            } catch (InvalidPathException e) {
                throw new TypeConversionException("'" + Main.show(value) + "' is not a valid path: " + e.getReason());
            }
        }
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, or ISO-8601 ({@code PT30S}); positive only. */
    static Duration parseDuration(String text) {
        Duration d;
        Matcher m = SIMPLE_DURATION.matcher(text);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.of(n, ChronoUnit.MINUTES);
                    case "h" -> Duration.of(n, ChronoUnit.HOURS);
                    case "d" -> Duration.of(n, ChronoUnit.DAYS);
                    default -> throw new AssertionError(m.group(2));
                };
            } else if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
                d = Duration.parse(text);
            } else {
                throw new TypeConversionException("'" + text
                        + "' is not a duration: use 500ms, 30s, 5m, 1h, 1d or ISO-8601 such as PT30S");
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new TypeConversionException("'" + text + "' is too long a duration");
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + text + "' is not an ISO-8601 duration such as PT30S");
        }
        if (d.isNegative() || d.isZero()) {
            throw new TypeConversionException("'" + text + "' is not longer than zero");
        }
        return d;
    }

    /**
     * Octal permission bits, {@code 0600} or {@code 640}; setuid, setgid and sticky bits are
     * refused, and so is a mode without the owner's read and write (see {@link Beacon#open}).
     */
    static int parseMode(String text) {
        if (!text.matches("[0-7]{1,4}")) {
            throw new TypeConversionException("'" + text + "' is not an octal mode such as 0600 or 0640");
        }
        int mode = Integer.parseInt(text, 8);
        if (mode > 0777) {
            throw new TypeConversionException("'" + text
                    + "' has setuid, setgid or sticky bits; a beacon takes permission bits only (0000 to 0777)");
        }
        if ((mode & 0600) != 0600) {
            throw new TypeConversionException("'" + text
                    + "' leaves the owner without read or write permission; a beacon needs both (0600 and up)");
        }
        return mode;
    }

    /** The permission bits of {@code mode} (0000 to 0777) as the set that {@link dev.lifeline.Beacon} takes. */
    static Set<PosixFilePermission> permissions(int mode) {
        // PosixFilePermission's declaration order is the bit order, from 0400 down to 0001.
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (0400 >> p.ordinal())) != 0) {
                permissions.add(p);
            }
        }
        return permissions;
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parseDuration(value);
        }
    }

    /** A heartbeat's promise: a duration from 3 ms (a beat every millisecond) to 1000 days. */
    static Duration parseHeartbeat(String text) {
        Duration d = parseDuration(text);
        if (d.compareTo(MIN_HEARTBEAT) < 0) {
            throw new TypeConversionException("'" + text + "' is too short a heartbeat: at least 3ms");
        }
        // Far beyond any use; what matters is that now + D stays a file time every file system keeps.
        if (d.compareTo(MAX_HEARTBEAT) > 0) {
            throw new TypeConversionException("'" + text + "' is too long a heartbeat: at most 1000d");
        }
        return d;
    }

    private static final Duration MIN_HEARTBEAT = Duration.ofMillis(3);
    private static final Duration MAX_HEARTBEAT = Duration.ofDays(1000);

    static final class HeartbeatConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parseHeartbeat(value);
        }
    }

    static final class ModeConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parseMode(value);
        }
    }

    /** {@code HOST:PORT}, {@code :PORT} (all addresses) or {@code PORT} (loopback). */
    static final class AddressConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            String host = colon < 0 ? "127.0.0.1" : value.substring(0, colon);
            String port = colon < 0 ? value : value.substring(colon + 1);
            try {
                int p = Integer.parseInt(port);
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                return host.isEmpty() ? new InetSocketAddress(p) : new InetSocketAddress(host, p);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not HOST:PORT");
            }
        }
    }
}
