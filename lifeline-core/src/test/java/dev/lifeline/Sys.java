package dev.lifeline;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Map;

/**
 * The few system calls the property tests need to build and judge their worlds, made here with
 * the test's own bindings rather than lifeline's internal ones: the ground truth must not come
 * from the code under test. Java alone cannot make a FIFO or a device node, hold a FIFO's read end
 * without blocking, or tell errno apart from an exception message.
 */
final class Sys {
    static final int ENOENT = 2;
    static final int ENXIO = 6;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int ENAMETOOLONG = 36;
    static final int ELOOP = 40;
    static final int EPERM = 1;

    static final int S_IFMT = 0170000;
    static final int S_IFIFO = 0010000;
    static final int S_IFCHR = 0020000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
    static final int S_IFSOCK = 0140000;

    /** Same values on x86_64 and aarch64 (unlike O_NOFOLLOW, which these tests do not need). */
    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;

    private static final Map<Integer, String> NAMES = Map.of(ENOENT, "ENOENT", ENXIO, "ENXIO", EACCES, "EACCES",
            EEXIST, "EEXIST", ENOTDIR, "ENOTDIR", EISDIR, "EISDIR", ENAMETOOLONG, "ENAMETOOLONG", ELOOP, "ELOOP",
            EPERM, "EPERM");

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_BASIC_STATS = 0x7ff;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    // As Java encodes file names: the same bytes name the same file as a java.nio Path does.
    private static final Charset JNU = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    private static final MethodHandle MKFIFO = link("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    // dev_t is 64 bits on both supported architectures.
    private static final MethodHandle MKNOD = link("mknod", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle STATX =
            link("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GETEUID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("geteuid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));

    private Sys() {
    }

    private static MethodHandle link(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    static String errnoName(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** mkfifo(2): 0 or errno. The umask applies, as it does for any caller. */
    static int mkfifo(Path path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r = (int) MKFIFO.invokeExact(state, cString(arena, path), mode);
            return r == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** mknod(2) of a character device: 0 or errno. */
    static int mknodChar(Path path, int mode, int major, int minor) {
        long dev = ((long) major << 8) | minor; // glibc's makedev for numbers below 4096 and 256
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r = (int) MKNOD.invokeExact(state, cString(arena, path), S_IFCHR | mode, dev);
            return r == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** open(2): the descriptor, or minus errno. */
    static int open(Path path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, cString(arena, path), flags, 0);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r = (int) CLOSE.invokeExact(state, fd);
            if (r != 0) {
                throw new AssertionError("close(" + fd + "): " + errnoName(errno(state)));
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** What statx(2) says of a path: an errno, or the type, mode, owner and inode. */
    record Stat(int errno, int mode, int uid, long ino, long dev) {
        int type() {
            return mode & S_IFMT;
        }

        boolean ok() {
            return errno == 0;
        }

        boolean is(int type) {
            return ok() && type() == type;
        }
    }

    static Stat stat(Path path, boolean follow) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buf = arena.allocate(256, 8);
            int r = (int) STATX.invokeExact(state, AT_FDCWD, cString(arena, path),
                    follow ? 0 : AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
            if (r != 0) {
                return new Stat(errno(state), 0, 0, 0, 0);
            }
            // struct statx: uid at 20, mode (16 bits) at 28, ino at 32, dev major/minor at 136/140.
            int uid = buf.get(ValueLayout.JAVA_INT, 20);
            int mode = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, 28));
            long ino = buf.get(ValueLayout.JAVA_LONG, 32);
            long dev = ((long) buf.get(ValueLayout.JAVA_INT, 136) << 32) | buf.get(ValueLayout.JAVA_INT, 140);
            return new Stat(0, mode, uid, ino, dev);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static MemorySegment cString(Arena arena, Path path) {
        byte[] bytes = path.toString().getBytes(JNU);
        MemorySegment s = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        s.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return s;
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
