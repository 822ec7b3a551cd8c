package dev.lifeline;

import dev.lifeline.internal.BirthWatch;
import dev.lifeline.internal.Concern;
import dev.lifeline.internal.DeathWatch;
import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.Outcome;
import dev.lifeline.internal.Platform;
import dev.lifeline.internal.Waiting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

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
    /** A static final: with one implementation loaded, every call is inlined as if it were static. */
    private static final Platform PLATFORM = Platform.current();

    static {
        // Load now what reporting a failure needs: with the descriptor table full (EMFILE) a class
        // could no longer be read from a jar, and the report would be a NoClassDefFoundError
        // instead of TOO_MANY_OPEN_FILES.
        Failures.fault("EMFILE");
    }

    private final NativePath path;
    private final List<String> warnings;
    private final Status alive;
    private final Status dead;
    private final Status absent;
    /**
     * The last ALIVE or HUNG answer with times, handed out again while the times are unchanged:
     * a holder beats far less often than it is checked, so checks stay allocation-free.
     */
    private volatile Status promised;

    private Probe(NativePath path, List<String> warnings) {
        this.path = path;
        this.warnings = warnings;
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
        PLATFORM.requireSupported();
        NativePath nativePath = NativePath.of(path);
        // A loop, not a stream: the lifeline command makes one probe and exits, and a stream
        // pipeline's classes are some of what it loads at start-up for nothing.
        List<Concern> concerns = PLATFORM.concerns(path, true);
        String[] warnings = new String[concerns.size()];
        for (int i = 0; i < warnings.length; i++) {
            warnings[i] = concerns.get(i).text();
        }
        return new Probe(nativePath, List.of(warnings));
    }

    /**
     * The process id of the process that holds the beacon, where lifeline can know it: a holder
     * made by {@link Beacon} announces itself with a POSIX read lock, which this asks about with
     * {@code fcntl(F_GETLK)}. Empty when nobody holds the beacon, when the holder is another
     * program (s6-supervise, the seed's C code), and when it is a program that inherited the
     * beacon through {@link Beacon#spawn} (POSIX locks are not inherited). One open, one fcntl,
     * one close: not part of {@link #check()}, which stays at its minimum.
     *
     * @return the holder's pid, if known
     */
    public java.util.OptionalLong holderPid() {
        int pid = PLATFORM.holderPid(path);
        return pid > 0 ? java.util.OptionalLong.of(pid) : java.util.OptionalLong.empty();
    }

    /**
     * What the strict checks, made once when this probe was created, found unsafe about the
     * beacon's place: a directory on the way that others may write without the sticky bit, a
     * remote file system, a FIFO owned by neither root nor its directory's owner. A probe still
     * checks such a beacon (the verdict is what the kernel says), but whoever can rearrange the
     * directory can fake it. Empty when all is well.
     *
     * @return the concerns, as human sentences
     */
    public List<String> warnings() {
        return warnings;
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
        Outcome outcome = Outcome.ofThisThread();
        PLATFORM.probe(path, outcome);
        return status(outcome);
    }

    /** The Status for a probe's outcome. */
    Status status(Outcome outcome) {
        return switch (outcome.verdict) {
            case Outcome.ALIVE -> alive;
            case Outcome.ALIVE_PROMISED -> promised(Status.State.ALIVE, outcome.beatMillis, outcome.deadlineMillis);
            case Outcome.HUNG -> promised(Status.State.HUNG, outcome.beatMillis, outcome.deadlineMillis);
            case Outcome.DEAD -> dead;
            case Outcome.ABSENT -> absent;
            default -> Failures.probe(path.path(), outcome);
        };
    }

    NativePath nativePath() {
        return path;
    }

    /**
     * Waits, without polling, until no process holds the beacon, or until {@code timeout} passes.
     * The wait holds the FIFO's write end open and sleeps in {@code poll}: Linux reports
     * {@code POLLERR} on it the moment the last reader is gone, SIGKILL included, so the death is
     * seen within microseconds, not at the next round of some polling loop.
     *
     * <p>Returns at once with the current status if nobody holds the beacon now. After a death it
     * returns DEAD, or ABSENT if the holder also removed the FIFO (a clean close). If a new
     * holder took the beacon between the death and this return, the answer is still DEAD: the
     * death happened. On timeout it returns the status of a fresh check (ALIVE or HUNG).
     *
     * <p>The blocking call runs on a platform thread of lifeline's; the caller, virtual or not,
     * waits on it without pinning a carrier.
     *
     * @param timeout how long to wait at most
     * @return the status after the death, or the current status when the time ran out
     * @throws InterruptedException if the calling thread is interrupted; the wait is then cancelled
     */
    public Status awaitDeath(Duration timeout) throws InterruptedException {
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        DeathWatch watch = PLATFORM.deathWatch(path);
        if (watch == null) {
            return check();
        }
        return afterWait(Waiting.get(Waiting.start(() -> watch.await(nanos), watch::cancel)));
    }

    /**
     * Completes when no process holds the beacon any more, with the status {@link #awaitDeath}
     * would return; at once if nobody holds it now. Cancelling the future ends the wait and
     * releases its descriptors. Nothing is polled: one of lifeline's platform threads sleeps in
     * the kernel until the death.
     *
     * @return a future of the status after the death
     */
    public CompletableFuture<Status> onDeath() {
        DeathWatch watch = PLATFORM.deathWatch(path);
        if (watch == null) {
            return CompletableFuture.completedFuture(check());
        }
        // A cancelled wait returns CANCELLED to a future that is already done: nothing to complete.
        return Waiting.start(() -> {
            int outcome = watch.await(-1);
            return outcome == DeathWatch.CANCELLED ? null : afterWait(outcome);
        }, watch::cancel);
    }

    /**
     * Waits until a process holds the beacon, or until {@code timeout} passes. Driven by inotify:
     * the wait wakes when a FIFO appears in the directory or when someone opens the FIFO, then
     * checks. Nothing is polled while the directory exists; where it does not (yet), or where no
     * inotify instance can be had, the check is repeated at intervals growing from 10 ms to 1 s.
     *
     * <p>The wait never opens the FIFO for reading, so it never makes the beacon look alive to
     * anyone else. Returns ALIVE (or HUNG) as soon as a holder is there, at once if one is now;
     * on timeout, the status of a fresh check. The blocking happens on a platform thread of
     * lifeline's; the caller, virtual or not, waits on it without pinning a carrier.
     *
     * @param timeout how long to wait at most
     * @return the status once held, or the current status when the time ran out
     * @throws InterruptedException if the calling thread is interrupted; the wait is then cancelled
     */
    public Status awaitAlive(Duration timeout) throws InterruptedException {
        Status now = check();
        if (isHeld(now)) {
            return now;
        }
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        if (nanos == 0) {
            // No time to wait: that check was the fresh one. An inotify instance would cost
            // milliseconds to close for nothing (the kernel waits for a grace period).
            return now;
        }
        return Waiting.get(birth(nanos));
    }

    /**
     * Completes when a process holds the beacon, with the status {@link #awaitAlive} would return;
     * at once if one does now. Cancelling the future ends the wait and releases its descriptors.
     *
     * @return a future of the status once the beacon is held
     */
    public CompletableFuture<Status> onAlive() {
        Status now = check();
        if (isHeld(now)) {
            return CompletableFuture.completedFuture(now);
        }
        return birth(-1);
    }

    private CompletableFuture<Status> birth(long timeoutNanos) {
        Path parent = path.path().toAbsolutePath().getParent();
        int[] errno = new int[1];
        BirthWatch watch = PLATFORM.birthWatch(path, NativePath.of(parent == null ? Path.of("/") : parent), errno);
        if (watch == null) {
            return CompletableFuture.completedFuture(Failures.unknown(path.path(), "eventfd", errno[0]));
        }
        return Waiting.start(() -> {
            // Released before the future completes: whoever waits on it may count descriptors.
            try {
                return awaitBirth(watch, timeoutNanos);
            } finally {
                watch.close();
            }
        }, watch::cancel);
    }

    /** The loop: arm the watches, check, sleep until something happens; until held or timed out. */
    private Status awaitBirth(BirthWatch watch, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        for (;;) {
            watch.arm();
            Status now = check();
            if (isHeld(now)) {
                return now;
            }
            long left = timeoutNanos < 0 ? -1 : deadline - System.nanoTime();
            if (timeoutNanos >= 0 && left <= 0) {
                return now;
            }
            int r = watch.await(left);
            if (r == BirthWatch.CANCELLED) {
                return check();
            }
            if (r < 0) {
                return Failures.unknown(path.path(), "poll", -r);
            }
        }
    }

    private static boolean isHeld(Status status) {
        return status.state() == Status.State.ALIVE || status.state() == Status.State.HUNG;
    }

    private Status afterWait(int outcome) {
        if (outcome == DeathWatch.DIED) {
            Status now = check();
            return now.state() == Status.State.ALIVE || now.state() == Status.State.HUNG ? dead : now;
        }
        if (outcome < 0) {
            return Failures.unknown(path.path(), "poll", -outcome);
        }
        return check(); // timed out, or cancelled
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2;
        }
    }

    private Status promised(Status.State state, long beat, long deadline) {
        Status last = promised;
        if (last != null && last.hasTimes(state, beat, deadline)) {
            return last;
        }
        Status fresh = Status.promised(path.path(), state, beat, deadline);
        promised = fresh;
        return fresh;
    }

    @Override
    public String toString() {
        return "Probe[" + path + "]";
    }
}
