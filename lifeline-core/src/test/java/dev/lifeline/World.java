package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Plan.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Plan} made real in a fresh directory of its own: the files, links, FIFOs, sockets and
 * devices, the readers and beacons that hold FIFOs, and the one path under test. Remembers who
 * holds which FIFO, which only the test can know: that is the ground truth a check is judged by.
 * Closing lets go of everything and removes the directory.
 */
final class World implements AutoCloseable {
    /** Who holds a FIFO open for reading. */
    enum Holder {
        /** A bare open(O_RDONLY|O_NONBLOCK) of the test's own, no lock: as s6-supervise holds one. */
        RAW,
        BEACON,
        BEACON_EXCLUSIVE,
        /** A beacon that beat with a promise an hour ahead. */
        BEACON_BEATING,
        /** A beacon whose promised deadline has passed. */
        BEACON_HUNG;

        boolean isBeacon() {
            return this != RAW;
        }
    }

    record Inode(long dev, long ino) {
        static Inode of(Sys.Stat st) {
            return new Inode(st.dev(), st.ino());
        }
    }

    /** A uid that is not ours: nobody's, as the other tests use. */
    static final int OTHER_UID = 65534;
    /** A character-device major number with no driver on this machine, or -1 if none is free. */
    static final int FREE_MAJOR = freeMajor();

    final Plan plan;
    /** The directory of all tries on this file system, which a snapshot covers whole. */
    final Path base;
    final Path dir;
    /** The path under test; null when Java itself refuses the name (see {@link #refusal}). */
    Path path;
    InvalidPathException refusal;
    /** What was really placed; the plan's kind, or NOTHING where the name or directory did not allow it. */
    Kind placed = Kind.NOTHING;
    final Map<Inode, Holder> holders = new HashMap<>();
    /** How each holder lets go: a death, as far as a probe can tell. */
    private final Map<Inode, AutoCloseable> enders = new HashMap<>();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    private World(Plan plan, Path base, Path dir) {
        this.plan = plan;
        this.base = base;
        this.dir = dir;
    }

    static World build(Path base, Plan plan) throws Exception {
        World w = new World(plan, base, Files.createTempDirectory(base, "t"));
        try {
            w.make();
        } catch (Throwable t) {
            w.close();
            throw t;
        }
        return w;
    }

    private void make() throws Exception {
        Path dirPart;
        Path realDir;
        List<String> names = plan.dirNames();
        // Java encodes names in the platform's file name charset: where that is not UTF-8, a name
        // it cannot encode is refused here, before lifeline could ever see it.
        try {
            switch (plan.layout()) {
                case DIRECT, SLASHES -> {
                    dirPart = dir;
                    realDir = dir;
                }
                case NESTED -> {
                    Path d = dir;
                    for (String n : names) {
                        d = d.resolve(n);
                        Files.createDirectory(d);
                    }
                    dirPart = d;
                    realDir = d;
                }
                case MISSING -> {
                    Path d = dir;
                    for (String n : names) {
                        d = d.resolve(n);
                    }
                    dirPart = d;
                    realDir = null;
                }
                case FILE_PARENT -> {
                    Files.writeString(dir.resolve("f"), "precious");
                    dirPart = dir.resolve("f");
                    realDir = null;
                }
                case LINKED_DIR -> {
                    Path real = Files.createDirectory(dir.resolve("real-dir"));
                    Files.createSymbolicLink(dir.resolve("linked-dir"), plan.absoluteLinks() ? real : Path.of("real-dir"));
                    dirPart = dir.resolve("linked-dir");
                    realDir = real;
                }
                case DANGLING_PARENT -> {
                    Files.createSymbolicLink(dir.resolve("dangling-dir"), dir.resolve("nowhere"));
                    dirPart = dir.resolve("dangling-dir");
                    realDir = null;
                }
                case LOOP_PARENT -> {
                    Files.createSymbolicLink(dir.resolve("loop-a"), Path.of("loop-b"));
                    Files.createSymbolicLink(dir.resolve("loop-b"), Path.of("loop-a"));
                    dirPart = dir.resolve("loop-a");
                    realDir = null;
                }
                case DOTDOT -> {
                    Files.createDirectory(dir.resolve("sub"));
                    dirPart = dir.resolve("sub").resolve("..");
                    realDir = dir;
                }
                case DOTDOT_MISSING -> {
                    dirPart = dir.resolve("missing").resolve("..");
                    realDir = null;
                }
                case DOT -> {
                    dirPart = dir.resolve(".");
                    realDir = dir;
                }
                case OVER_PATH_MAX -> {
                    Path d = dir;
                    for (int i = 0; i < 17; i++) {
                        d = d.resolve("x".repeat(250));
                    }
                    dirPart = d;
                    realDir = null;
                }
                default -> throw new AssertionError(plan.layout());
            }
            path = plan.layout() == Plan.Layout.SLASHES
                    ? Path.of(dir + "//" + plan.name() + (plan.name().isEmpty() ? "" : "//"))
                    : dirPart.resolve(plan.name());
        } catch (InvalidPathException e) {
            refusal = e;
            return;
        }
        if (realDir != null) {
            place(realDir, plan.name());
        }
        // Modes last: a directory without write permission cannot be filled first by a non-root test.
        if (realDir != null && !realDir.equals(dir) && plan.layout() != Plan.Layout.DOT) {
            Files.setAttribute(realDir, "unix:mode", plan.subDirMode());
        }
        Files.setAttribute(dir, "unix:mode", plan.dirMode());
        if (plan.relative()) {
            path = Path.of("").toAbsolutePath().relativize(path);
        }
    }

    /** Places the plan's kind as {@code name} in {@code realDir}; leaves NOTHING where that is impossible. */
    private void place(Path realDir, String name) throws Exception {
        Path at;
        try {
            at = realDir.resolve(name);
        } catch (InvalidPathException e) {
            return;
        }
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return; // a directory is there already: the one the path names
        }
        try {
            placeKind(at, realDir);
            placed = plan.kind();
        } catch (BeaconException e) {
            if (e.fault() != Fault.NAME_TOO_LONG) {
                throw new AssertionError("cannot place " + plan.kind() + ": " + e.getMessage(), e);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // The name is one this world uses for a link's target or a helper ("target", ...):
            // what is there is what the path names, and the oracle asks the kernel what that is.
        } catch (FileSystemException e) {
            if (!"File name too long".equals(e.getReason())) {
                throw new AssertionError("cannot place " + plan.kind() + ": " + e.getMessage(), e);
            }
        } catch (Errno e) {
            if (e.errno != Sys.ENAMETOOLONG && e.errno != Sys.EEXIST) {
                throw new AssertionError("cannot place " + plan.kind() + ": " + e.getMessage());
            }
        }
        // In each of these cases nothing, or only part, was placed: the name cannot exist here.
        // What was made stays, in the snapshot, for the property to guard like everything else.
    }

    /** A system call of the test's that failed. */
    static final class Errno extends Exception {
        private static final long serialVersionUID = 1L;
        final int errno;

        Errno(String call, int errno) {
            super(call + ": " + Sys.errnoName(errno), null, false, false);
            this.errno = errno;
        }
    }

    private void placeKind(Path at, Path realDir) throws Exception {
        int mode = plan.mode();
        switch (plan.kind()) {
            case NOTHING -> {
            }
            case FILE_EMPTY, FILE -> {
                Files.write(at, plan.content());
                chmod(at, mode);
            }
            case DIR_EMPTY -> {
                Files.createDirectory(at);
                chmod(at, mode | (Plan.ROOT ? 0 : 0700));
            }
            case DIR_FULL -> {
                Files.createDirectory(at);
                Files.write(at.resolve("inside"), plan.content());
                Files.createDirectory(at.resolve("sub"));
                chmod(at, mode | (Plan.ROOT ? 0 : 0700));
            }
            case FIFO_DEAD -> fifo(at, mode, null);
            case FIFO_RAW_READER -> fifo(at, mode, Holder.RAW);
            case FIFO_BEACON -> beacon(at, mode, Holder.BEACON);
            case FIFO_BEACON_EXCLUSIVE -> beacon(at, mode, Holder.BEACON_EXCLUSIVE);
            case FIFO_BEACON_BEATING -> beacon(at, mode, Holder.BEACON_BEATING);
            case FIFO_BEACON_HUNG -> beacon(at, mode, Holder.BEACON_HUNG);
            case FIFO_THEIRS_DEAD, FIFO_THEIRS_HELD -> {
                fifo(at, mode, plan.kind() == Kind.FIFO_THEIRS_HELD ? Holder.RAW : null);
                Files.setAttribute(at, "unix:gid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(at, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
            }
            case SOCKET_LISTENING -> socket(at, true);
            case SOCKET_STALE -> socket(at, false);
            case DEVICE_NULL -> mknod(at, mode, 1, 3);
            case DEVICE_NO_DRIVER -> {
                assertThat(FREE_MAJOR).as("a character major number without a driver").isPositive();
                mknod(at, mode, FREE_MAJOR, 0);
            }
            case LINK_TO_FILE -> link(at, realDir, target(t -> Files.write(t, plan.content())));
            case LINK_TO_LIVE_FIFO -> link(at, realDir, target(t -> {
                if (plan.beaconTarget()) {
                    beacon(t, 0600, Holder.BEACON);
                } else {
                    fifo(t, 0600, Holder.RAW);
                }
            }));
            case LINK_TO_HUNG_FIFO -> link(at, realDir, target(t -> beacon(t, 0600, Holder.BEACON_HUNG)));
            case LINK_TO_DEAD_FIFO -> link(at, realDir, target(t -> fifo(t, mode, null)));
            case LINK_TO_DIR -> link(at, realDir, target(Files::createDirectory));
            case LINK_TO_SOCKET -> link(at, realDir, target(t -> socket(t, true)));
            case LINK_DANGLING -> link(at, realDir, dir.resolve("nowhere"));
            case LINK_LOOP -> {
                Path other = dir.resolve("loop-other");
                link(at, realDir, other);
                Files.createSymbolicLink(other, at);
            }
            case LINK_SELF -> link(at, realDir, at);
            case LINK_TO_DEV_NULL -> Files.createSymbolicLink(at, Path.of("/dev/null"));
            case LINK_TO_DEV_ZERO -> Files.createSymbolicLink(at, Path.of("/dev/zero"));
            case LINK_CHAIN_TO_LIVE_FIFO -> {
                Path fifo = target(t -> fifo(t, 0600, Holder.RAW));
                Path second = dir.resolve("chain-2");
                Path first = dir.resolve("chain-1");
                Files.createSymbolicLink(second, dir.relativize(fifo));
                Files.createSymbolicLink(first, second);
                link(at, realDir, first);
            }
            default -> throw new AssertionError(plan.kind());
        }
    }

    interface Maker {
        void make(Path p) throws Exception;
    }

    /** Makes the object a link leads to, beside the try's other files, under a name of its own. */
    private Path target(Maker maker) throws Exception {
        Path t = dir.resolve("target");
        maker.make(t);
        return t;
    }

    /** A symbolic link at {@code at} to {@code target}, written as an absolute or a relative path. */
    private void link(Path at, Path realDir, Path target) throws IOException {
        Files.createSymbolicLink(at, plan.absoluteLinks() ? target : realDir.toRealPath().relativize(target));
    }

    private void fifo(Path at, int mode, Holder holder) throws Exception {
        int r = Sys.mkfifo(at, 0600);
        if (r != 0) {
            throw new Errno("mkfifo", r);
        }
        chmod(at, mode); // mkfifo honours the umask; the plan's mode is meant exactly
        if (holder != null) {
            int fd = Sys.open(at, Sys.O_RDONLY | Sys.O_NONBLOCK | Sys.O_CLOEXEC);
            if (fd < 0) {
                throw new Errno("open", -fd);
            }
            java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
            // Closed once only: a second close could hit a number the kernel has handed out again.
            AutoCloseable reader = () -> {
                if (open.getAndSet(false)) {
                    Sys.close(fd);
                }
            };
            resources.push(reader);
            Inode inode = Inode.of(Sys.stat(at, false));
            holders.put(inode, holder);
            enders.put(inode, reader);
        }
    }

    private void beacon(Path at, int mode, Holder holder) throws Exception {
        // Beacon.open asks for the owner's read and write; the plan's mode, whatever it is, is
        // then given to the FIFO by hand, so that checks still meet every mode.
        Set<PosixFilePermission> perms = permissions((mode & 0777) | 0600);
        Beacon beacon = holder == Holder.BEACON_EXCLUSIVE
                ? Beacon.open(at, perms, BeaconOption.TRUST_DIRECTORY, BeaconOption.EXCLUSIVE)
                : Beacon.open(at, perms, BeaconOption.TRUST_DIRECTORY);
        resources.push(beacon);
        if ((mode & 0600) != 0600) {
            java.nio.file.Files.setPosixFilePermissions(at, permissions(mode & 0777));
        }
        Inode inode = Inode.of(Sys.stat(at, false));
        holders.put(inode, holder);
        enders.put(inode, beacon);
        if (holder == Holder.BEACON_BEATING) {
            beacon.beat(Duration.ofHours(1));
        } else if (holder == Holder.BEACON_HUNG) {
            beacon.beat(Duration.ofMillis(1));
            // Wait on the wall clock itself, the clock the verdict is judged by, until the deadline
            // the beacon promised has passed; a millisecond or two.
            long deadline = Probe.of(at).check().deadline().orElseThrow().toEpochMilli();
            while (System.currentTimeMillis() <= deadline) {
                Thread.onSpinWait();
            }
        }
    }

    private void socket(Path at, boolean listening) throws IOException {
        // A Unix socket path is limited to 108 bytes: bind under a short name, then rename into place.
        Path shortName = dir.resolve(".sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(shortName));
            Files.move(shortName, at, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (listening) {
                resources.push(server);
            } else {
                server.close(); // the socket file stays: nobody listens at it any more
            }
        }
    }

    private void mknod(Path at, int mode, int major, int minor) throws Errno {
        int r = Sys.mknodChar(at, 0600, major, minor);
        if (r != 0) {
            throw new Errno("mknod", r);
        }
        try {
            chmod(at, mode);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chmod(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode);
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(all[i]);
            }
        }
        return set;
    }

    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 0400 >> p.ordinal();
        }
        return mode;
    }

    /** Ends the holder of the FIFO {@code inode}: the reader's descriptor or the beacon is closed. */
    void endHolder(Inode inode) throws Exception {
        enders.get(inode).close();
        holders.remove(inode);
    }

    /** Lets go of every reader, beacon and socket, then removes the directory, links unfollowed. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                failure = new IOException("cannot let go of a resource of the world", e);
            }
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.setAttribute(d, "unix:mode", 0700); // so that a non-root test can empty it
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
        if (failure != null) {
            throw failure;
        }
    }

    private static int freeMajor() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/devices"));
            java.util.Set<Integer> used = new java.util.HashSet<>();
            for (String line : lines) {
                if (line.startsWith("Block")) {
                    break;
                }
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && f[0].matches("\\d+")) {
                    used.add(Integer.parseInt(f[0]));
                }
            }
            // 240-254 are set aside for local and experimental use: nothing claims them by default.
            for (int major = 240; major <= 254; major++) {
                if (!used.contains(major)) {
                    return major;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
