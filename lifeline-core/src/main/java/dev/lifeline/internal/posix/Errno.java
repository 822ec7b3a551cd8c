package dev.lifeline.internal.posix;

/**
 * errno values in lifeline's numbering, Linux's: names and descriptions. What each means to a
 * user (its public fault) is decided by name, in the public package's one translator. Internal
 * usage only.
 *
 * <p>Linux x86_64 and aarch64 share the asm-generic numbering, so one table serves both. The
 * descriptions are glibc's {@code strerror} texts, kept here so that building a message never
 * calls back into native code (and never meets {@code strerror}'s thread-safety caveats).
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ETXTBSY = 26;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int EDQUOT = 122;
    /** Same number as EAGAIN on Linux; what {@code flock(LOCK_NB)} reports for a held lock. */
    public static final int EWOULDBLOCK = EAGAIN;

    private static final String[] NAMES = {
            null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG",
            "ENOEXEC", "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK",
            "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE",
            "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK",
            "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
            "ELOOP", null, "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST",
            "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO",
            "EBADRQC", "EBADSLT", null, "EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR",
            "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO",
            "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC",
            "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS",
            "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP",
            "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED",
            "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED",
            "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL",
            "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED",
            "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", null,
    };

    private static final String[] DESCRIPTIONS = {
            null, "Operation not permitted", "No such file or directory",
            "No such process", "Interrupted system call", "Input/output error",
            "No such device or address", "Argument list too long", "Exec format error",
            "Bad file descriptor", "No child processes", "Resource temporarily unavailable",
            "Cannot allocate memory", "Permission denied", "Bad address",
            "Block device required", "Device or resource busy", "File exists",
            "Invalid cross-device link", "No such device", "Not a directory",
            "Is a directory", "Invalid argument", "Too many open files in system",
            "Too many open files", "Inappropriate ioctl for device", "Text file busy",
            "File too large", "No space left on device", "Illegal seek",
            "Read-only file system", "Too many links", "Broken pipe",
            "Numerical argument out of domain", "Numerical result out of range", "Resource deadlock avoided",
            "File name too long", "No locks available", "Function not implemented",
            "Directory not empty", "Too many levels of symbolic links", null,
            "No message of desired type", "Identifier removed", "Channel number out of range",
            "Level 2 not synchronized", "Level 3 halted", "Level 3 reset",
            "Link number out of range", "Protocol driver not attached", "No CSI structure available",
            "Level 2 halted", "Invalid exchange", "Invalid request descriptor",
            "Exchange full", "No anode", "Invalid request code",
            "Invalid slot", null, "Bad font file format",
            "Device not a stream", "No data available", "Timer expired",
            "Out of streams resources", "Machine is not on the network", "Package not installed",
            "Object is remote", "Link has been severed", "Advertise error",
            "Srmount error", "Communication error on send", "Protocol error",
            "Multihop attempted", "RFS specific error", "Bad message",
            "Value too large for defined data type", "Name not unique on network", "File descriptor in bad state",
            "Remote address changed", "Can not access a needed shared library", "Accessing a corrupted shared library",
            ".lib section in a.out corrupted", "Attempting to link in too many shared libraries", "Cannot exec a shared library directly",
            "Invalid or incomplete multibyte or wide character", "Interrupted system call should be restarted", "Streams pipe error",
            "Too many users", "Socket operation on non-socket", "Destination address required",
            "Message too long", "Protocol wrong type for socket", "Protocol not available",
            "Protocol not supported", "Socket type not supported", "Operation not supported",
            "Protocol family not supported", "Address family not supported by protocol", "Address already in use",
            "Cannot assign requested address", "Network is down", "Network is unreachable",
            "Network dropped connection on reset", "Software caused connection abort", "Connection reset by peer",
            "No buffer space available", "Transport endpoint is already connected", "Transport endpoint is not connected",
            "Cannot send after transport endpoint shutdown", "Too many references: cannot splice", "Connection timed out",
            "Connection refused", "Host is down", "No route to host",
            "Operation already in progress", "Operation now in progress", "Stale file handle",
            "Structure needs cleaning", "Not a XENIX named type file", "No XENIX semaphores available",
            "Is a named type file", "Remote I/O error", "Disk quota exceeded",
            "No medium found", "Wrong medium type", "Operation canceled",
            "Required key not available", "Key has expired", "Key has been revoked",
            "Key was rejected by service", "Owner died", "State not recoverable",
            "Operation not possible due to RF-kill", null,
    };

    private Errno() {
    }

    /** The C name of {@code errno}, such as {@code "ENXIO"}; {@code "errno N"} when unknown. */
    public static String name(int errno) {
        String name = errno >= 0 && errno < NAMES.length ? NAMES[errno] : null;
        return name != null ? name : "errno " + errno;
    }

    /** glibc's description of {@code errno}, such as {@code "No such device or address"}. */
    public static String describe(int errno) {
        String text = errno >= 0 && errno < DESCRIPTIONS.length ? DESCRIPTIONS[errno] : null;
        return text != null ? text : "Unknown error " + errno;
    }
}
