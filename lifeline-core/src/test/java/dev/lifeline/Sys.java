package dev.lifeline;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Map;

/**
 * The few system calls the property tests need to build and judge their worlds, made here with
 * the test's own bindings rather than lifeline's internal ones: the ground truth must not come
 * from the code under test. Java alone cannot make a FIFO or a device node, hold a FIFO's read end
 * without blocking, or tell errno apart from an exception message. The bindings are JNA's
 * interface mapping, on every JDK the tests run on (17 and 25): neither lifeline's FFM backend nor
 * its JNA one (which maps functions of its own, its own way).
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

    // As Java encodes file names: the same bytes name the same file as a java.nio Path does.
    private static final Charset JNU = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    /** The C library's functions; LastErrorException carries errno. */
    interface C extends Library {
        int mkfifo(byte[] path, int mode) throws LastErrorException;

        int mknod(byte[] path, int mode, long dev) throws LastErrorException;

        /** open(2) is variadic; on x86_64 and aarch64 Linux a third int is passed as a fixed one is. */
        int open(byte[] path, int flags, int mode) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int statx(int dirfd, byte[] path, int flags, int mask, byte[] buf) throws LastErrorException;

        int geteuid();
    }

    private static final C LIBC = Native.load("c", C.class);

    private Sys() {
    }

    static String errnoName(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    static int geteuid() {
        return LIBC.geteuid();
    }

    /** mkfifo(2): 0 or errno. The umask applies, as it does for any caller. */
    static int mkfifo(Path path, int mode) {
        try {
            LIBC.mkfifo(cString(path), mode);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** mknod(2) of a character device: 0 or errno. */
    static int mknodChar(Path path, int mode, int major, int minor) {
        long dev = ((long) major << 8) | minor; // glibc's makedev for numbers below 4096 and 256
        try {
            LIBC.mknod(cString(path), S_IFCHR | mode, dev);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** open(2): the descriptor, or minus errno. */
    static int open(Path path, int flags) {
        try {
            return LIBC.open(cString(path), flags, 0);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    static void close(int fd) {
        try {
            LIBC.close(fd);
        } catch (LastErrorException e) {
            throw new AssertionError("close(" + fd + "): " + errnoName(e.getErrorCode()));
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
        byte[] statx = new byte[256];
        try {
            LIBC.statx(AT_FDCWD, cString(path), follow ? 0 : AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, statx);
        } catch (LastErrorException e) {
            return new Stat(e.getErrorCode(), 0, 0, 0, 0);
        }
        // struct statx: uid at 20, mode (16 bits) at 28, ino at 32, dev major/minor at 136/140.
        ByteBuffer buf = ByteBuffer.wrap(statx).order(ByteOrder.nativeOrder());
        int uid = buf.getInt(20);
        int mode = Short.toUnsignedInt(buf.getShort(28));
        long ino = buf.getLong(32);
        long dev = ((long) buf.getInt(136) << 32) | buf.getInt(140);
        return new Stat(0, mode, uid, ino, dev);
    }

    /** The path's bytes as Java encodes them, and a NUL. */
    private static byte[] cString(Path path) {
        byte[] bytes = path.toString().getBytes(JNU);
        byte[] s = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, s, 0, bytes.length);
        return s;
    }
}
