package dev.lifeline.internal.linux;

import java.util.Locale;

/**
 * Every constant and struct offset lifeline passes to or reads from Linux and its C library, per
 * architecture, and nowhere else: {@code AbiTest} checks each against the headers. Internal usage
 * only.
 *
 * <p>The values are those of the kernel's uapi headers. Most flags are shared by x86_64 and
 * aarch64; {@code O_NOFOLLOW} and {@code O_DIRECTORY} are not, which is why the architecture is
 * decided once here and nowhere else. {@code struct statx} has one layout on every architecture,
 * unlike {@code struct stat}, which is why lifeline asks {@code statx} and never {@code fstat}.
 */
public final class Abi {
    public static final String ARCH = arch();

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_NOCTTY = 0x100;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_NOFOLLOW = "aarch64".equals(ARCH) ? 0x8000 : 0x20000;

    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_EMPTY_PATH = 0x1000;

    public static final int RENAME_NOREPLACE = 1;
    public static final int RENAME_EXCHANGE = 2;

    public static final int F_SETFD = 2;
    public static final int F_GETLK = 5;
    public static final int F_SETLK = 6;
    /** Open file description locks (Linux 3.15): owned by the open file, so inherited with it. */
    public static final int F_OFD_GETLK = 36;
    public static final int F_OFD_SETLK = 37;
    public static final short F_RDLCK = 0;
    public static final short F_WRLCK = 1;
    public static final short F_UNLCK = 2;
    /** struct flock (64-bit): short l_type, short l_whence, off_t l_start @8, off_t l_len @16, pid_t l_pid @24. */
    public static final int FLOCK_SIZE = 32;
    public static final int FLOCK_START = 8;
    public static final int FLOCK_LEN = 16;
    public static final int FLOCK_PID = 24;

    public static final int CLOSE_RANGE_CLOEXEC = 4;
    public static final int SIG_SETMASK = 2;
    /** sigset_t in glibc: 1024 bits. */
    public static final int SIGSET_SIZE = 128;
    /** posix_spawn_file_actions_t (80 bytes) and posix_spawnattr_t (336 bytes) in glibc, rounded up. */
    public static final int SPAWN_ACTIONS_SIZE = 256;
    public static final int SPAWN_ATTR_SIZE = 512;
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final int WNOHANG = 1;
    public static final int WEXITED = 4;
    public static final int WNOWAIT = 0x01000000;
    /** idtype_t P_ALL for waitid: any child. */
    public static final int P_ALL = 0;
    /** siginfo_t: 128 bytes on every Linux; si_pid after three ints and the union's alignment. */
    public static final int SIGINFO_SIZE = 128;
    public static final int SIGINFO_PID = 16;

    public static final int LOCK_SH = 1;
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    public static final int LOCK_UN = 8;

    /** struct timespec[2] for futimens: {atime, mtime}, each {long tv_sec; long tv_nsec}. */
    public static final int TIMESPEC_PAIR_SIZE = 32;
    /** tv_nsec value asking futimens for the current time. */
    public static final long UTIME_NOW = (1L << 30) - 1;

    /** struct pollfd: int fd, short events, short revents. */
    public static final int POLLFD_FD = 0;
    public static final int POLLFD_EVENTS = 4;
    public static final int POLLFD_REVENTS = 6;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int POLLFD_SIZE = 8;

    public static final int EPOLL_CLOEXEC = O_CLOEXEC;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLLIN = 0x1;
    public static final int EPOLLERR = 0x8;
    public static final int EPOLLHUP = 0x10;
    /**
     * struct epoll_event: {u32 events; u64 data}. Packed on x86_64 (12 bytes, data at 4), naturally
     * aligned on aarch64 (16 bytes, data at 8).
     */
    public static final int EPOLL_EVENT_SIZE = "aarch64".equals(ARCH) ? 16 : 12;
    public static final int EPOLL_DATA = "aarch64".equals(ARCH) ? 8 : 4;

    public static final int STATX_NLINK = 0x4;
    public static final int STX_NLINK = 16;

    public static final int IN_ATTRIB = 0x4;
    public static final int IN_NONBLOCK = O_NONBLOCK;
    public static final int IN_CLOEXEC = O_CLOEXEC;
    public static final int IN_OPEN = 0x20;
    public static final int IN_MOVED_FROM = 0x40;
    public static final int IN_MOVED_TO = 0x80;
    public static final int IN_CREATE = 0x100;
    public static final int IN_DELETE = 0x200;
    public static final int IN_Q_OVERFLOW = 0x4000;
    public static final int IN_IGNORED = 0x8000;
    public static final int IN_ONLYDIR = 0x01000000;

    /** struct inotify_event: int wd, u32 mask, u32 cookie, u32 len, then the name (len bytes, NUL-padded). */
    public static final int INOTIFY_EVENT_WD = 0;
    public static final int INOTIFY_EVENT_MASK = 4;
    public static final int INOTIFY_EVENT_COOKIE = 8;
    public static final int INOTIFY_EVENT_LEN = 12;
    public static final int INOTIFY_EVENT_SIZE = 16;

    public static final int EFD_NONBLOCK = O_NONBLOCK;
    public static final int EFD_CLOEXEC = O_CLOEXEC;

    public static final int AF_UNIX = 1;
    public static final int SOCK_DGRAM = 2;
    /** struct sockaddr_un: sa_family_t (u16), then sun_path[108]. */
    public static final int SUN_PATH = 2;
    public static final int SUN_PATH_MAX = 108;

    public static final int S_IFMT = 0xF000;
    public static final int S_IFIFO = 0x1000;

    // struct statx: the fields read here, with the mask bits that ask for them.
    public static final int STATX_TYPE = 0x1;
    public static final int STATX_MODE = 0x2;
    public static final int STATX_UID = 0x8;
    public static final int STATX_ATIME = 0x20;
    public static final int STATX_MTIME = 0x40;
    public static final int STATX_INO = 0x100;
    public static final int STATX_SIZE = 256;
    public static final int STX_UID = 20;
    public static final int STX_MODE = 28;
    public static final int STX_INO = 32;
    /** struct statx_timestamp: s64 tv_sec at +0, u32 tv_nsec at +8. */
    public static final int STATX_TIMESTAMP_SEC = 0;
    public static final int STATX_TIMESTAMP_NSEC = 8;
    public static final int STX_ATIME = 64;
    public static final int STX_MTIME = 112;
    public static final int STX_DEV_MAJOR = 136;
    public static final int STX_DEV_MINOR = 140;

    private Abi() {
    }

    /** The architecture, from {@code os.arch} alone, so that AbiDump can ask for another's values. */
    private static String arch() {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?").toLowerCase(Locale.ROOT);
        if (!os.equals("Linux")) {
            return null;
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
    }
}
