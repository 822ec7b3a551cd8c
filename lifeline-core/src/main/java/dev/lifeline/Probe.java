package dev.lifeline;

import dev.lifeline.internal.posix.Errno;
import dev.lifeline.internal.posix.Fifo;
import dev.lifeline.internal.posix.NativePath;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The checker side: asks whether a process holds the beacon at one path, and, if its holder
 * beats, whether it kept its promised deadline. {@link #check()} is one
 * non-blocking {@code open(O_WRONLY|O_NONBLOCK)} of the path: when it fails with {@code ENXIO}
 * nobody holds the FIFO; when it succeeds, {@code fstat} confirms that what opened is a FIFO
 * before the answer is ALIVE, and the descriptor is closed at once.
 *
 * <pre>{@code
 * Probe probe = Probe.of(Path.of("/run/lifeline/mydaemon"));
 * if (probe.check().isAlive()) { ... }
 * }</pre>
 *
 * <p>What a check can answer:
 * <ul>
 * <li>HUNG for a held FIFO whose holder promised a deadline ({@link Beacon#beat}) and missed
 *     it. The times come from the same {@code fstat}: no extra system call.
 * <li>ALIVE only for a FIFO that some process holds open for reading. A symbolic link is
 *     followed, as {@code s6-svok} does, but nothing except a FIFO is ever ALIVE.
 * <li>DEAD for a FIFO nobody holds. ENXIO alone proves nothing (Linux gives it for a Unix
 *     socket and for a device without a driver too), so on that path the type is confirmed
 *     with one {@code stat}.
 * <li>ABSENT when nothing is at the path ({@code ENOENT}), a missing directory included.
 * <li>UNKNOWN, with a {@link Fault}, for everything else: a regular file, a directory,
 *     permission denied, a name too long, a file in place of a directory, no descriptor left.
 * </ul>
 * A check never writes, never blocks, and leaves no descriptor behind; the one it opens is
 * {@code O_CLOEXEC} so that a process forked meanwhile does not inherit it. Its answer is
 * immediately outdated: it is what was true at one instant during the call.
 *
 * <p>Opening the write end of a FIFO is itself visible to the holder: a reader that polls its
 * descriptor sees a writer come and go. A beacon holder never reads, so this is harmless.
 *
 * <p>Concurrency: immutable and safe for concurrent use; any number of threads may check through
 * one probe at once. A check in steady state allocates nothing: the native path is made once
 * here, errno lands in memory owned by the calling thread, and each answer but UNKNOWN is a
 * {@link Status} made once per probe.
 */
public final class Probe {
    private final NativePath path;
    private final Status alive;
    private final Status dead;
    private final Status absent;
    /**
     * The last ALIVE or HUNG answer with times, handed out again while the times are unchanged:
     * a holder beats far less often than it is checked, so checks stay allocation-free.
     */
    private volatile Status promised;

    private Probe(NativePath path) {
        this.path = path;
        this.alive = Status.of(path.path(), Status.State.ALIVE);
        this.dead = Status.of(path.path(), Status.State.DEAD);
        this.absent = Status.of(path.path(), Status.State.ABSENT);
    }

    /**
     * A probe for the beacon at {@code path}. Nothing is checked until {@link #check()}.
     *
     * @throws UnsupportedOperationException on an operating system or architecture lifeline does
     *         not serve (it serves Linux on x86_64 and aarch64)
     * @throws java.nio.file.ProviderMismatchException if the path is not of the default file system
     * @throws IllegalArgumentException if the path is empty or holds a NUL character
     */
    public static Probe of(Path path) {
        Objects.requireNonNull(path, "path");
        Fifo.requireSupported();
        return new Probe(NativePath.of(path));
    }

    /** The path this probe checks. */
    public Path path() {
        return path.path();
    }

    /**
     * Checks the beacon now. Never blocks and never throws for anything the file system says:
     * failures come back as {@link Status.State#UNKNOWN} with their {@link Fault}.
     */
    public Status check() {
        int outcome = Fifo.probe(path);
        return switch (outcome) {
            case Fifo.ALIVE -> alive;
            case Fifo.ALIVE_PROMISED -> promised(Status.State.ALIVE);
            case Fifo.HUNG -> promised(Status.State.HUNG);
            case Fifo.DEAD -> dead;
            case Fifo.ABSENT -> absent;
            default -> unknown(outcome);
        };
    }

    private Status promised(Status.State state) {
        long beat = Fifo.lastBeatMillis();
        long deadline = Fifo.deadlineMillis();
        Status last = promised;
        if (last != null && last.hasTimes(state, beat, deadline)) {
            return last;
        }
        Status fresh = Status.promised(path.path(), state, beat, deadline);
        promised = fresh;
        return fresh;
    }

    private Status unknown(int outcome) {
        if (outcome > 0 && (outcome & Fifo.NOT_A_FIFO) != 0) {
            return Status.unknown(path.path(), Fault.NOT_A_FIFO, null,
                    "is " + Fifo.describeType(outcome) + ", not a FIFO");
        }
        int errno = -outcome;
        if (errno == Errno.EISDIR) {
            return Status.unknown(path.path(), Fault.NOT_A_FIFO, Errno.name(errno), "is a directory, not a FIFO");
        }
        Fault fault = Errno.fault(errno);
        return Status.unknown(path.path(), fault, Errno.name(errno), "open: " + Errno.describe(errno));
    }

    @Override
    public String toString() {
        return "Probe[" + path + "]";
    }
}
