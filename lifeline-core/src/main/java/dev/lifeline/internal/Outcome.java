package dev.lifeline.internal;

/**
 * What one probe found: a verdict, and what goes with it (the promised times, the type of what
 * is there instead of a FIFO, the errno of a failure). A mutable value that the caller owns and
 * passes in, so that a steady-state check allocates nothing; read it before passing it again.
 */
public final class Outcome {
    /** A reader holds the FIFO; its holder promised nothing (or the kernel moved the times since). */
    public static final int ALIVE = 0;
    /** A FIFO is there and nobody holds it. */
    public static final int DEAD = 1;
    /** Nothing is at the path. */
    public static final int ABSENT = 2;
    /** A reader holds the FIFO and the deadline its holder promised lies ahead: {@link #beatMillis}, {@link #deadlineMillis}. */
    public static final int ALIVE_PROMISED = 3;
    /** A reader holds the FIFO but the deadline its holder promised has passed: {@link #beatMillis}, {@link #deadlineMillis}. */
    public static final int HUNG = 4;
    /** Something other than a FIFO is there: {@link #fileType}, see {@link #found()}. */
    public static final int NOT_A_FIFO = 5;
    /** No answer: {@link #errno} says why. */
    public static final int FAILED = 6;

    public int verdict;
    /** For NOT_A_FIFO: the type of what is there, as {@code (st_mode & S_IFMT) >> 12}. */
    public int fileType;
    /** For FAILED. */
    public int errno;
    /** For ALIVE_PROMISED and HUNG, epoch milliseconds. */
    public long beatMillis;
    public long deadlineMillis;

    private static final ThreadLocal<Outcome> LOCAL = ThreadLocal.withInitial(Outcome::new);

    /** This thread's own, for callers that keep none: reused by the thread's next probe. */
    public static Outcome ofThisThread() {
        return LOCAL.get();
    }

    public Outcome alive() {
        verdict = ALIVE;
        return this;
    }

    public Outcome verdict(int verdict) {
        this.verdict = verdict;
        return this;
    }

    public Outcome notAFifo(int fileType) {
        verdict = NOT_A_FIFO;
        this.fileType = fileType;
        return this;
    }

    public Outcome failed(int errno) {
        verdict = FAILED;
        this.errno = errno;
        return this;
    }

    public Outcome promised(boolean hung, long beatMillis, long deadlineMillis) {
        verdict = hung ? HUNG : ALIVE_PROMISED;
        this.beatMillis = beatMillis;
        this.deadlineMillis = deadlineMillis;
        return this;
    }

    /** Whether a reader held the FIFO: ALIVE, ALIVE_PROMISED or HUNG. */
    public boolean held() {
        return verdict == ALIVE || verdict == ALIVE_PROMISED || verdict == HUNG;
    }

    /**
     * The outcome as one int, equal for outcomes that say the same (the times aside): the verdict,
     * with the type found or the errno.
     */
    public int key() {
        return switch (verdict) {
            case NOT_A_FIFO -> verdict | fileType << 8;
            case FAILED -> verdict | errno << 8;
            default -> verdict;
        };
    }

    /** "a regular file", "a directory", ...: what a NOT_A_FIFO outcome found. */
    public String found() {
        return describeType(fileType);
    }

    /** What a file of {@code fileType} ({@code (st_mode & S_IFMT) >> 12}) is, in words. */
    public static String describeType(int fileType) {
        return switch (fileType & 0xF) {
            case 0x1 -> "a FIFO";
            case 0x2 -> "a character device";
            case 0x4 -> "a directory";
            case 0x6 -> "a block device";
            case 0x8 -> "a regular file";
            case 0xA -> "a symbolic link";
            case 0xC -> "a socket";
            default -> "a file of unknown type";
        };
    }
}
