package dev.lifeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One generated input of the property tests, as plain data drawn from one random seed: how the
 * path is built, the name at its end, what is placed there, and with which modes. {@link World}
 * makes it real in a fresh directory. {@link #toString()} spells every name with escapes, so a
 * failure message shows the case exactly.
 */
record Plan(Layout layout, List<String> dirNames, String name, Kind kind, int mode, int dirMode, int subDirMode,
        boolean tmpfs, boolean relative, boolean absoluteLinks, boolean beaconTarget, boolean waits, byte[] content,
        Set<BeaconOption> options, Set<PosixFilePermission> permissions) {

    /** How the directory part of the path is made. */
    enum Layout {
        /** The name right in the try's directory. */
        DIRECT,
        /** Under one to three subdirectories with generated names, all created. */
        NESTED,
        /** Under one to three subdirectories with generated names, none created. */
        MISSING,
        /** Under a regular file, as if it were a directory (ENOTDIR). */
        FILE_PARENT,
        /** Under a symbolic link to a directory. */
        LINKED_DIR,
        /** Under a dangling symbolic link. */
        DANGLING_PARENT,
        /** Under a loop of symbolic links (ELOOP). */
        LOOP_PARENT,
        /** Through {@code sub/..}, sub existing. */
        DOTDOT,
        /** Through {@code missing/..}, which the kernel refuses to resolve (ENOENT). */
        DOTDOT_MISSING,
        /** Through {@code ./}. */
        DOT,
        /** Under so many long names that the whole path exceeds PATH_MAX. */
        OVER_PATH_MAX,
        /** Given as a string with doubled and trailing slashes, which {@link java.nio.file.Path} folds. */
        SLASHES
    }

    /** What is placed at the path (or, for the LINK kinds, what the link there leads to). */
    enum Kind {
        NOTHING, FILE_EMPTY, FILE, DIR_EMPTY, DIR_FULL,
        FIFO_DEAD, FIFO_RAW_READER, FIFO_BEACON, FIFO_BEACON_EXCLUSIVE, FIFO_BEACON_BEATING, FIFO_BEACON_HUNG,
        /** Root only: a FIFO chowned to nobody. */
        FIFO_THEIRS_DEAD, FIFO_THEIRS_HELD,
        SOCKET_LISTENING, SOCKET_STALE,
        /** Root only: mknod of the null device (1,3), inside the try's directory. */
        DEVICE_NULL,
        /** Root only: mknod of a character device whose major number has no driver: open says ENXIO. */
        DEVICE_NO_DRIVER,
        LINK_TO_FILE, LINK_TO_LIVE_FIFO, LINK_TO_HUNG_FIFO, LINK_TO_DEAD_FIFO, LINK_TO_DIR, LINK_TO_SOCKET,
        LINK_DANGLING, LINK_LOOP, LINK_SELF, LINK_TO_DEV_NULL, LINK_TO_DEV_ZERO, LINK_CHAIN_TO_LIVE_FIFO;

        boolean needsRoot() {
            return this == FIFO_THEIRS_DEAD || this == FIFO_THEIRS_HELD || this == DEVICE_NULL || this == DEVICE_NO_DRIVER;
        }
    }

    static final boolean ROOT = Sys.geteuid() == 0;

    /** Kinds this run can make: the root-only ones need root (and mknod allowed, for devices). */
    static List<Kind> availableKinds() {
        List<Kind> kinds = new ArrayList<>();
        for (Kind k : Kind.values()) {
            if (!k.needsRoot() || ROOT) {
                kinds.add(k);
            }
        }
        return kinds;
    }

    private static final List<Kind> KINDS = availableKinds();

    /** Names that shells, option parsers, path code and lifeline's own temporary names trip over. */
    private static final List<String> SPECIAL = List.of(".", "..", "...", "", "-", "--", "-rf", "--help", " ", "  ",
            "\n", "\t", "\r\n", " a", "a ", "a\nb", "~", "*", "?", "[a]", "\\", "$HOME", "`x`", "'", "\"", ";",
            ".lifeline-new", ".x.0.lifeline-new", ".beacon.1f2e.lifeline-new", "\u202Eevil", "\uFEFF", "\u200B",
            "e\u0301", "\u00E9", ".hidden", "a..b", "\u001B[31m", "\u007F", "\uFFFD", "\uD83D\uDE00");

    /** The layouts under which a plan's kind can be placed at all. */
    private static final Layout[] PLACEABLE = {Layout.DIRECT, Layout.NESTED, Layout.LINKED_DIR, Layout.DOTDOT,
            Layout.DOT, Layout.SLASHES};

    /**
     * How many tries open with edge cases rather than random plans: each kind once under a layout
     * where it can be placed, each layout once, a directory that others may write, and names of
     * 255 and 256 bytes. Coverage assertions can then demand every kind and verdict without
     * depending on luck; everything random still varies from run to run.
     */
    static int edgeCases() {
        return KINDS.size() + Layout.values().length + 3;
    }

    /** The plan for try {@code index}: an edge case for the first {@link #edgeCases()}, then random. */
    static Plan generate(SplittableRandom r, int index) {
        Plan random = generate(r);
        int kinds = KINDS.size();
        int layouts = Layout.values().length;
        String plain = "b" + ascii(r, r.nextInt(12));
        Set<BeaconOption> noOptions = EnumSet.noneOf(BeaconOption.class);
        if (index < kinds) {
            return random.with(PLACEABLE[index % PLACEABLE.length], plain, KINDS.get(index), 0700, noOptions);
        }
        if (index < kinds + layouts) {
            return random.with(Layout.values()[index - kinds], plain, random.kind(), 0700, noOptions);
        }
        return switch (index - kinds - layouts) {
            case 0 -> random.with(Layout.DIRECT, plain, Kind.NOTHING, 0777, noOptions); // others may write: refused
            case 1 -> random.with(Layout.DIRECT, longName(255), Kind.FIFO_DEAD, 0700, noOptions);
            case 2 -> random.with(Layout.DIRECT, longName(256), Kind.NOTHING, 0700, noOptions);
            default -> random;
        };
    }

    private Plan with(Layout layout, String name, Kind kind, int dirMode, Set<BeaconOption> options) {
        return new Plan(layout, dirNames.stream().map(n -> layout == Layout.NESTED ? "d" + Math.abs(n.hashCode()) : n).toList(),
                name, kind, mode, dirMode, 0700, tmpfs, relative, absoluteLinks, beaconTarget, waits, content, options,
                permissions);
    }

    static Plan generate(SplittableRandom r) {
        Layout layout = pick(r, Layout.values());
        List<String> dirNames = new ArrayList<>();
        int depth = 1 + r.nextInt(3);
        for (int i = 0; i < depth; i++) {
            dirNames.add(layout == Layout.NESTED ? directoryName(r) : missingName(r));
        }
        String name = name(r);
        Kind kind = KINDS.get(r.nextInt(KINDS.size()));
        int mode = fileMode(r);
        int dirMode = dirMode(r);
        int subDirMode = dirMode(r);
        byte[] content = new byte[kind == Kind.FILE ? 1 + r.nextInt(r.nextBoolean() ? 16 : 8192) : 0];
        r.nextBytes(content);
        Set<BeaconOption> options = EnumSet.noneOf(BeaconOption.class);
        for (BeaconOption o : BeaconOption.values()) {
            if (r.nextInt(3) == 0) {
                options.add(o);
            }
        }
        Set<PosixFilePermission> permissions = null;
        if (r.nextBoolean()) {
            permissions = EnumSet.noneOf(PosixFilePermission.class);
            for (PosixFilePermission p : PosixFilePermission.values()) {
                if (r.nextBoolean()) {
                    permissions.add(p);
                }
            }
            if (r.nextInt(8) != 0) {
                // Beacon.open refuses permissions without the owner's read and write: one set in
                // eight is left as drawn, to be refused; the others reach the rest of open.
                permissions.add(PosixFilePermission.OWNER_READ);
                permissions.add(PosixFilePermission.OWNER_WRITE);
            }
        }
        // Waits: one try in four, as a wait for a birth costs milliseconds (its inotify instance
        // takes that long to close) where a check costs microseconds.
        return new Plan(layout, dirNames, name, kind, mode, dirMode, subDirMode, r.nextBoolean(), r.nextInt(4) == 0, r.nextBoolean(),
                r.nextBoolean(), r.nextInt(4) == 0, content, options, permissions);
    }

    /** A name for one path component: ASCII, arbitrary Unicode, special, or long in bytes. */
    static String name(SplittableRandom r) {
        return switch (r.nextInt(12)) {
            case 0, 1, 2 -> ascii(r, 1 + r.nextInt(16));
            case 3, 4, 5 -> unicode(r, 1 + r.nextInt(24));
            case 6, 7 -> SPECIAL.get(r.nextInt(SPECIAL.size()));
            case 8 -> SPECIAL.get(r.nextInt(SPECIAL.size())) + unicode(r, 1 + r.nextInt(6));
            case 9 -> (r.nextBoolean() ? "-" : " ") + ascii(r, 1 + r.nextInt(8)) + (r.nextBoolean() ? "\n" : " ");
            default -> longName(r);
        };
    }

    /**
     * A name for a directory that is not there: anything but ".", ".." and "", which name one
     * that is (and ".." would lead out of the try's directory).
     */
    static String missingName(SplittableRandom r) {
        for (;;) {
            String n = name(r);
            if (!n.isEmpty() && !n.equals(".") && !n.equals("..")) {
                return n;
            }
        }
    }

    /** A name that can be created as a directory: not ".", "..", empty, nor over NAME_MAX. */
    static String directoryName(SplittableRandom r) {
        for (int i = 0; i < 20; i++) {
            String n = name(r);
            if (!n.isEmpty() && !n.equals(".") && !n.equals("..") && n.getBytes(StandardCharsets.UTF_8).length <= 255) {
                return n;
            }
        }
        return "d";
    }

    private static String ascii(SplittableRandom r, int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** Code points from every plane and class, controls included; never NUL or '/', never a lone surrogate. */
    static String unicode(SplittableRandom r, int length) {
        StringBuilder b = new StringBuilder();
        while (b.codePointCount(0, b.length()) < length) {
            int cp = switch (r.nextInt(7)) {
                case 0 -> 0x20 + r.nextInt(0x5F);          // printable ASCII
                case 1 -> r.nextBoolean() ? 1 + r.nextInt(0x1F) : 0x7F; // controls, newline among them
                case 2 -> 0xA0 + r.nextInt(0x60);          // Latin-1
                case 3 -> 0x100 + r.nextInt(0xD800 - 0x100); // BMP below the surrogates
                case 4 -> 0xE000 + r.nextInt(0x10000 - 0xE000); // BMP above them, private use and specials
                case 5 -> 0x10000 + r.nextInt(0x110000 - 0x10000); // the other planes
                default -> new int[] {0x200B, 0x200E, 0x202E, 0xFEFF, 0x0301, 0x00A0, 0xFFFD, 0x1F600}[r.nextInt(8)];
            };
            if (cp != '/') {
                b.appendCodePoint(cp);
            }
        }
        return b.toString();
    }

    /** A name of a chosen length in bytes around NAME_MAX (255), made of 1- to 4-byte characters. */
    static String longName(SplittableRandom r) {
        int[] lengths = {200, 231, 240, 250, 254, 255, 256, 257, 300, 1024};
        return longName(r, lengths[r.nextInt(lengths.length)]);
    }

    private static String longName(int bytes) {
        return "a".repeat(bytes);
    }

    private static String longName(SplittableRandom r, int target) {
        String unit = new String[] {"a", "\u00E9", "\u20AC", "\uD83D\uDE00", " ", "\n"}[r.nextInt(6)];
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        while (bytes + unitBytes <= target) {
            b.append(unit);
            bytes += unitBytes;
        }
        b.append("a".repeat(target - bytes));
        return b.toString();
    }

    private static int fileMode(SplittableRandom r) {
        int[] modes = {0, 0400, 0200, 0600, 0644, 0666, 0700, 0755, 0777, 04755, r.nextInt(01000)};
        int m = modes[r.nextInt(modes.length)];
        // Without root a file its owner cannot read or write cannot be set up (nor checked without EACCES).
        return ROOT ? m : m | 0600;
    }

    private static int dirMode(SplittableRandom r) {
        // Mostly private, as a beacon's directory should be; now and then writable by all, with and
        // without the sticky bit, which the strict checks must tell apart.
        int[] modes = {0700, 0700, 0700, 0755, 0711, 0777, 01777, 0770, 0500, 0};
        int m = modes[r.nextInt(modes.length)];
        return ROOT ? m : m | 0700;
    }

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    /** The name with every character outside printable ASCII as a \\u escape. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F && cp != '\\') {
                b.appendCodePoint(cp);
            } else {
                for (char c : Character.toChars(cp)) {
                    b.append(String.format("\\u%04X", (int) c));
                }
            }
        });
        return b.toString();
    }

    private static String describe(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        String shown = escape(name.length() > 40 ? name.substring(0, 20) + "..." : name);
        return "\"" + shown + "\"(" + bytes + " bytes)";
    }

    @Override
    public String toString() {
        boolean named = layout == Layout.NESTED || layout == Layout.MISSING;
        return "Plan[" + layout + (named ? " " + dirNames.stream().map(Plan::describe).toList() : "") + " / " + describe(name)
                + ", " + kind + ", mode " + Integer.toOctalString(mode) + ", dir modes " + Integer.toOctalString(dirMode)
                + "/" + Integer.toOctalString(subDirMode) + (tmpfs ? ", tmpfs" : ", disk") + (relative ? ", relative" : "")
                + (absoluteLinks ? ", absolute links" : ", relative links") + (beaconTarget ? ", beacon target" : "")
                + (waits ? ", waits" : "")
                + ", " + content.length + " bytes, options " + options + ", permissions "
                + (permissions == null ? "default" : java.nio.file.attribute.PosixFilePermissions.toString(permissions)) + "]";
    }
}
