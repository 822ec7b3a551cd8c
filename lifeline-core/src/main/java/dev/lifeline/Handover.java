package dev.lifeline;

import dev.lifeline.internal.HandedOff;
import dev.lifeline.internal.Platform;
import dev.lifeline.internal.Waiting;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A program started by {@link Beacon#spawn} that holds the beacon now: the beacon lives exactly
 * as long as this program (and whatever it hands the descriptor on to), whatever happens to the
 * process that started it, SIGKILL included.
 *
 * <p>Concurrency: safe for concurrent use; {@link #waitFor()} may be called by several threads,
 * which all get the same status.
 */
public final class Handover {
    private final Beacon beacon;
    private final int pid;
    private static final Platform PLATFORM = Platform.current();

    private final HandedOff released;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile boolean removed;

    Handover(Beacon beacon, int pid, HandedOff released) {
        this.beacon = beacon;
        this.pid = pid;
        this.released = released;
        // waitpid blocks in the kernel: on a platform thread of lifeline's, never the caller's.
        Waiting.execute(this::reap);
    }

    private void reap() {
        int status = PLATFORM.waitFor(pid);
        if (status >= 0 && status < 128) {
            // A program that exited by itself has let go of the beacon as it meant to: remove it,
            // unless something it left behind (a daemonised grandchild) still holds it.
            removed = released != null && released.removeIfUnheld();
        } else if (released != null) {
            released.forget(); // killed or crashed: the stale FIFO stays, and reads DEAD
        }
        exit.complete(status);
    }

    /** The program's process id. */
    public long pid() {
        return pid;
    }

    /** The program's process, for {@link ProcessHandle#info()} and the like. */
    public java.util.Optional<ProcessHandle> toHandle() {
        return ProcessHandle.of(pid);
    }

    /**
     * Sends the program a signal, by its Linux number (1 HUP, 2 INT, 15 TERM, 9 KILL, ...).
     *
     * @param signal the signal number
     * @throws IOException if the program is gone or the signal cannot be sent
     */
    public void signal(int signal) throws IOException {
        if (exit.isDone()) {
            throw new IOException("lifeline: process " + pid + " has ended");
        }
        int r = PLATFORM.kill(pid, signal);
        if (r < 0) {
            throw Failures.io("kill " + pid, -r);
        }
    }

    /**
     * Waits for the program to end and returns its status as a shell reports it: its exit code,
     * or 128 + the number of the signal that ended it. If it exited by itself, the beacon has been
     * removed by then, unless something else still holds it; if a signal ended it, the FIFO stays
     * and reads DEAD.
     *
     * @return the exit status
     * @throws InterruptedException if interrupted while waiting
     */
    public int waitFor() throws InterruptedException {
        try {
            int status = exit.get();
            if (status < 0) {
                throw new IllegalStateException(Failures.io("waitpid " + pid, -status).getMessage());
            }
            return status;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Beats for the program, which may not know lifeline: records a beat now and promises the
     * next within {@code promise}, as {@link Beacon#beat} does. For a wrapper that learns of the
     * program's progress some other way (a file it touches, a log it writes).
     *
     * @param promise how long until the next beat at the latest; at least one millisecond
     * @throws IOException if the program has ended or the times cannot be set
     */
    public void beat(java.time.Duration promise) throws IOException {
        long millis = promise.toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("a promise of at least 1 ms is needed, not " + promise);
        }
        if (released == null || exit.isDone()) {
            throw new IOException("lifeline: process " + pid + " has ended; nothing to beat for");
        }
        long now = System.currentTimeMillis();
        int r = released.beat(now, Math.addExact(now, millis));
        if (r < 0) {
            throw Failures.io("futimens", -r);
        }
    }

    /**
     * Makes this process reap every other child it is given, as it ends, as an init must, until
     * the program ends. Only where this process is PID 1 (a container's entrypoint), to which the
     * kernel hands every orphan in its PID namespace: without a reaper they stay zombies until the
     * namespace runs out of PIDs. Elsewhere orphans go to the real init, and nothing is started.
     * The program's own status stays this handover's ({@link #waitFor()}). Only for a process that
     * starts no children otherwise ({@link ProcessBuilder}): their statuses would be taken too.
     *
     * @return whether this process is PID 1 and a reaper thread was started
     */
    public boolean reapOrphansAsInit() {
        if (ProcessHandle.current().pid() != 1 || exit.isDone()) {
            return false;
        }
        Waiting.daemon("lifeline-init-reaper", () -> PLATFORM.reapAllBut(pid)).start();
        return true;
    }

    /** The status of {@link #waitFor()} as a future. */
    public CompletableFuture<Integer> onExit() {
        return exit.copy();
    }

    /** Whether the beacon was removed after the program exited by itself. */
    public boolean beaconRemoved() {
        return removed;
    }

    @Override
    public String toString() {
        return "Handover[" + beacon.path() + " -> pid " + pid + "]";
    }
}
