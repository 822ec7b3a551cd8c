package dev.lifeline;

import dev.lifeline.internal.Concern;
import dev.lifeline.internal.HandedOff;
import dev.lifeline.internal.HeldBeacon;
import dev.lifeline.internal.HoldException;
import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The daemon side: a FIFO held open for reading for as long as the daemon lives, so that a
 * {@link Probe} anywhere on the host sees it ALIVE. Open one at start-up and keep it:
 *
 * <pre>{@code
 * Beacon beacon = Beacon.open(Path.of("/run/lifeline/mydaemon"), BeaconOption.EXCLUSIVE);
 * // ... serve; close at a clean shutdown, or simply exit: the kernel lets go either way
 * }</pre>
 *
 * <p>{@code open} creates the FIFO ({@code mkfifo}, mode 0600 unless told otherwise, whatever the
 * umask) or takes over a stale one, and holds it {@code O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_NOFOLLOW}.
 * A new FIFO is made under a temporary name beside the path, opened and locked there, and only
 * then renamed into place ({@code renameat2(RENAME_NOREPLACE)}, which never replaces anything):
 * no probe ever sees a new beacon that nobody holds yet, which it would have to call DEAD. A crash
 * in the microseconds between the {@code mkfifo} and the rename leaves a stray
 * {@code .NAME.*.lifeline-new} FIFO, never a wrong verdict. A stale FIFO (a crashed holder's) is
 * kept, with its owner, group and mode, but its times, which may carry that holder's last promise,
 * are reset out of the probes' sight: an unheld placeholder FIFO takes its place for a moment
 * ({@code RENAME_EXCHANGE}) while it is locked and reset, so that probes go from DEAD to ALIVE,
 * never through HUNG, and a holder that loses a race never touches the winner's times.
 * It refuses, and leaves untouched, anything else at the path: a regular file, a directory, a
 * device, a socket, a symbolic link, or a FIFO that another user owns.
 *
 * <p>Strict checks, once, before anything is created: {@code open} refuses a beacon whose
 * directory, or one above it, others could rearrange (writable by others without the sticky bit,
 * or owned by a user other than root and this one), and one on a file system shared between hosts
 * (NFS, SMB, ...), where a FIFO shows the readers of one host only; see
 * {@link BeaconOption#TRUST_DIRECTORY}.
 *
 * <p>The caller's obligation: keep the beacon for the life of the daemon. Garbage collection does
 * not close it; the descriptor stays open until {@link #close()} or until the process ends, by
 * exit, crash or SIGKILL, when the kernel closes it and every probe sees DEAD at once. The
 * descriptor is close-on-exec: a child the daemon starts does not inherit it and cannot keep a
 * dead daemon looking alive.
 *
 * <p>Holders and locks: every beacon takes an {@code flock} on its FIFO, shared by default, or
 * exclusive with {@link BeaconOption#EXCLUSIVE}, which makes this the only holder (a
 * single-instance guard that a crash cannot leave locked). A new holder that races one that is
 * closing never ends up holding a removed FIFO: the closing holder removes the FIFO while still
 * locking it, and a new holder that gets its lock checks that the path still names what it locked,
 * and starts over on a new FIFO if not. A new holder meeting a lock waits at most 20 ms for a
 * closing holder to finish before it reports {@link Fault#HELD}.
 *
 * <p>Concurrency: safe for concurrent use. {@link #close()} is idempotent: the first call, from
 * any thread, closes; later calls do nothing.
 */
public final class Beacon implements AutoCloseable {
    private static final Set<PosixFilePermission> DEFAULT_PERMISSIONS =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private static final Platform PLATFORM = Platform.current();

    static {
        // Load now what reporting a failure needs: with the descriptor table full (EMFILE) a class
        // could no longer be read from a jar, and the report would be a NoClassDefFoundError
        // instead of TOO_MANY_OPEN_FILES.
        Failures.beacon(new HoldException(Path.of("/"), HoldException.Reason.ERRNO, 0, "EMFILE", ""));
    }

    private final Path path;
    private final HeldBeacon held;
    private final boolean exclusive;
    private final boolean keep;

    private Beacon(Path path, HeldBeacon held, boolean exclusive, boolean keep) {
        this.path = path;
        this.held = held;
        this.exclusive = exclusive;
        this.keep = keep;
    }

    /**
     * Holds a beacon at {@code path}, creating the FIFO with mode 0600 if there is none.
     *
     * @throws BeaconException with {@link Fault#NOT_A_FIFO}, {@link Fault#SYMLINK} or
     *         {@link Fault#NOT_OWNER} if something else is at the path (left untouched);
     *         {@link Fault#HELD} if another holder excludes this one; {@link Fault#UNSAFE_DIRECTORY}
     *         or {@link Fault#REMOTE_FILE_SYSTEM} from the strict checks; a fault naming the errno
     *         if a system call failed (a missing directory, permission denied, ...)
     * @throws UnsupportedOperationException on a platform lifeline does not serve
     * @throws IllegalArgumentException if the path is empty or holds a NUL character
     * @throws java.nio.file.ProviderMismatchException if the path is not of the default file system
     */
    public static Beacon open(Path path, BeaconOption... options) throws BeaconException {
        return open(path, DEFAULT_PERMISSIONS, options);
    }

    /**
     * As {@link #open(Path, BeaconOption...)}, with the permissions a new FIFO gets. The umask
     * does not apply. A FIFO taken over keeps its permissions unless this beacon created it or
     * holds it exclusively, in which case it gets {@code permissions}.
     *
     * <p>{@code permissions} must include {@code OWNER_READ} and {@code OWNER_WRITE}: the holder
     * reads the FIFO, and the next holder of the same user learns whether a FIFO it takes over is
     * stale by opening it for writing, as any check does. Without the latter it could not tell
     * a crashed holder's left-over promise from a live one.
     *
     * @throws BeaconException as {@link #open(Path, BeaconOption...)} does; so do its unchecked exceptions
     * @throws IllegalArgumentException if {@code permissions} lacks {@code OWNER_READ} or {@code OWNER_WRITE}
     */
    public static Beacon open(Path path, Set<PosixFilePermission> permissions, BeaconOption... options)
            throws BeaconException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(permissions, "permissions");
        if (!permissions.contains(PosixFilePermission.OWNER_READ) || !permissions.contains(PosixFilePermission.OWNER_WRITE)) {
            throw new IllegalArgumentException("a beacon's permissions must include OWNER_READ and OWNER_WRITE, not "
                    + java.nio.file.attribute.PosixFilePermissions.toString(permissions));
        }
        PLATFORM.requireSupported();
        // First: a path that cannot name a file is refused before anything is looked at (the
        // strict checks of an empty path would look at the working directory's parent).
        NativePath nativePath = NativePath.of(path);
        boolean exclusive = false;
        boolean keep = false;
        boolean trust = false;
        for (BeaconOption option : options) {
            switch (Objects.requireNonNull(option, "option")) {
                case EXCLUSIVE -> exclusive = true;
                case KEEP_ON_CLOSE -> keep = true;
                case TRUST_DIRECTORY -> trust = true;
            }
        }
        if (!trust) {
            List<Concern> concerns = PLATFORM.concerns(path, false);
            if (!concerns.isEmpty()) {
                Fault fault = concerns.get(0).kind() == Concern.Kind.REMOTE_FILE_SYSTEM
                        ? Fault.REMOTE_FILE_SYSTEM : Fault.UNSAFE_DIRECTORY;
                throw new BeaconException(path, fault, null, String.join("; ", concerns.stream().map(Concern::text).toList())
                        + " (BeaconOption.TRUST_DIRECTORY accepts it)");
            }
        }
        try {
            return new Beacon(path, PLATFORM.hold(nativePath, mode(permissions), exclusive), exclusive, keep);
        } catch (HoldException e) {
            throw Failures.beacon(e);
        }
    }

    /** The path of the beacon, as given to {@code open}. */
    public Path path() {
        return path;
    }

    /** Whether this beacon was opened with {@link BeaconOption#EXCLUSIVE}. */
    public boolean isExclusive() {
        return exclusive;
    }

    /**
     * Records a beat now and promises the next one within {@code promise}: until then probes
     * answer ALIVE, after it HUNG. One {@code futimens} on the descriptor the beacon already
     * holds (mtime = now, atime = the deadline); nothing else is created.
     *
     * <p>Beat from the loop that does the daemon's real work, so that a stalled or deadlocked
     * loop stops the beats. A thread whose only job is to beat proves only that this thread
     * runs: it keeps beating while the main loop is deadlocked. {@link Heartbeat} beats on a
     * schedule only while a health condition holds or a progress counter moves.
     *
     * <p>Something that writes into the FIFO moves its mtime and voids the promise until the next
     * beat (the beacon then reads plain ALIVE, never HUNG); see {@link Status.State#HUNG} for
     * what clock steps do.
     *
     * @param promise how long until the next beat at the latest; at least one millisecond
     * @throws BeaconException if the times cannot be set (a read-only file system, say)
     * @throws IllegalStateException if the beacon is closed
     * @throws IllegalArgumentException if {@code promise} is shorter than a millisecond
     */
    public void beat(Duration promise) throws BeaconException {
        long millis = promise.toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("a promise of at least 1 ms is needed, not " + promise);
        }
        long now = System.currentTimeMillis();
        int r = held.beat(now, Math.addExact(now, millis));
        if (r < 0) {
            throw Failures.beacon(path, "futimens", -r);
        }
    }

    /**
     * Starts {@code command} as a child process that holds this beacon, and lets go of it here:
     * from then on the beacon lives exactly as long as the program, even if this process is
     * killed. The program finds the descriptor as number 3, named by {@code LIFELINE_FD=3} in its
     * environment (as systemd passes {@code LISTEN_FDS}); it inherits standard input, output and
     * error, the environment of this process, and no other descriptor. This beacon reads as
     * closed afterwards; {@link Handover#waitFor()} removes the FIFO once the program has exited
     * by itself.
     *
     * @param command the program and its arguments; a name without a slash is looked up on PATH
     * @return the running program
     * @throws java.nio.file.NoSuchFileException if the program cannot be found or executed; the
     *         beacon is then still held here, unchanged
     * @throws IOException if the program cannot be started
     * @throws IllegalStateException if the beacon is closed
     */
    public Handover spawn(List<String> command) throws IOException {
        String program = Commands.resolve(command);
        int child = PLATFORM.spawn(held, program, command, System.getenv());
        if (child < 0) {
            throw Failures.io("cannot start " + program, -child);
        }
        HandedOff released = held.release();
        return new Handover(this, child, released);
    }

    /**
     * Replaces this process with {@code command}, which keeps this beacon for its whole life: the
     * daemontools way of chain-loading. The descriptor keeps its number, named by
     * {@code LIFELINE_FD} in the environment; every other descriptor above 2 is closed on exec and
     * the signal mask is cleared. Returns only by throwing.
     *
     * @param command the program and its arguments; a name without a slash is looked up on PATH
     * @throws java.nio.file.NoSuchFileException if the program cannot be found or executed
     * @throws IOException if execve fails; the beacon is still held here then
     */
    public void exec(List<String> command) throws IOException {
        String program = Commands.resolve(command);
        int r = PLATFORM.exec(held, program, command, System.getenv());
        throw Failures.io("cannot execute " + program, -r);
    }

    /** Whether this beacon is still held: true until {@link #close()}. */
    public boolean isOpen() {
        return held.isOpen();
    }

    /**
     * Lets go of the beacon. Unless it was opened with {@link BeaconOption#KEEP_ON_CLOSE}, the
     * FIFO is removed first, but only by its last holder and only if the path still names the
     * very FIFO this beacon opened (same device and inode): a file that replaced it is never
     * touched. A beacon that joined a FIFO read only by programs that are not lifeline holders
     * (s6-supervise on its control FIFO, say) never removes it: the FIFO is theirs, and no lock
     * could tell this beacon that it is the last reader. Idempotent and thread-safe. Never throws:
     * if the FIFO cannot be removed it stays, and probes report DEAD, which is the truth.
     */
    @Override
    public void close() {
        held.close(!keep);
    }

    @Override
    public String toString() {
        return "Beacon[" + path + (exclusive ? ", exclusive" : "") + (isOpen() ? "" : ", closed") + "]";
    }

    private static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
