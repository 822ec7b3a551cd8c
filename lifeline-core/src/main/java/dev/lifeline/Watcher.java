package dev.lifeline;

import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.Outcome;
import dev.lifeline.internal.Platform;
import dev.lifeline.internal.WatchLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Follows many beacons from one thread and reports each change of state as it happens: a holder
 * that dies (the kernel's EPOLLERR on the FIFO's write end), a holder that starts or restarts
 * (inotify on the directory and the FIFO), a heartbeat deadline that passes (a timer at the
 * deadline, not a scan) and a HUNG holder that beats again.
 *
 * <pre>{@code
 * try (Watcher watcher = Watcher.start(change -> log.info(change.toString()))) {
 *     watcher.watch(Path.of("/run/lifeline/worker"));
 *     ...
 * }
 * }</pre>
 *
 * <p>Every watched path is reported once when it is added ({@link Change#previous()} empty), then
 * on every change. ALIVE and HUNG carry the heartbeat times where the holder beats. A death is
 * always reported, even if a new holder is already there when the watcher looks: DEAD (or ABSENT,
 * for a holder that removed its FIFO) and then ALIVE. A holder that starts and ends entirely
 * within the watcher's reaction time (microseconds) may go unseen.
 *
 * <p>Costs: per watched beacon, one descriptor while it is held (the write end the watcher keeps
 * open) and inotify watches (one per FIFO, one per directory), counted against
 * {@code fs.inotify.max_user_watches}; the process's descriptor limit must allow one per live
 * beacon. Where no inotify instance can be had, starts are found by re-checking at intervals from
 * 10 ms to 1 s; the same happens for a beacon whose directory does not exist yet.
 *
 * <p>Concurrency: safe for concurrent use. The listener runs on the watcher's own platform
 * thread, one change at a time, in order per path; it should hand work off rather than block.
 * {@link #close()} stops the thread and releases every descriptor; it is idempotent.
 */
public final class Watcher implements AutoCloseable {
    /** One change of state of a watched beacon. */
    public static final class Change {
        private final Status status;
        private final Status.State previous;
        private final long nanoTime;

        Change(Status status, Status.State previous, long nanoTime) {
            this.status = status;
            this.previous = previous;
            this.nanoTime = nanoTime;
        }

        /** The path whose state changed. */
        public Path path() {
            return status.path();
        }

        /** The new status. */
        public Status status() {
            return status;
        }

        /** The state before the change; empty for the first report of a path. */
        public java.util.Optional<Status.State> previous() {
            return java.util.Optional.ofNullable(previous);
        }

        /** {@link System#nanoTime()} when the watcher saw the change. */
        public long nanoTime() {
            return nanoTime;
        }

        @Override
        public String toString() {
            return (previous == null ? "" : previous + " -> ") + status;
        }
    }

    private final Consumer<Change> listener;
    private final WatchLoop loop;
    private final ConcurrentHashMap<Path, Integer> ids = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Watched> watched = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final ConcurrentHashMap<Integer, Followed> followed = new ConcurrentHashMap<>();

    /** A directory followed: what to tell whom. */
    private record Followed(Path dir, Consumer<Path> appeared, Consumer<Path> created) {
    }

    private static final class Watched {
        final Probe probe;
        Status.State last; // touched only on the loop thread

        Watched(Probe probe) {
            this.probe = probe;
        }
    }

    private Watcher(Consumer<Change> listener, int[] errno) throws IOException {
        this.listener = listener;
        this.loop = Platform.current().watchLoop(new WatchLoop.Sink() {
            @Override
            public void changed(int id, Outcome outcome) {
                Watcher.this.changed(id, outcome);
            }

            @Override
            public void directoryAppeared(int id) {
                Followed f = followed.get(id);
                if (f != null) {
                    deliver(f.appeared, f.dir);
                }
            }

            @Override
            public void entryCreated(int id, byte[] name) {
                Followed f = followed.get(id);
                if (f != null) {
                    deliver(f.created, NativePath.resolve(f.dir, name));
                }
            }
        }, errno);
        if (loop == null) {
            throw Failures.io("cannot start a watcher", errno[0]);
        }
    }

    /**
     * Starts a watcher with its own thread; nothing is watched until {@link #watch}.
     *
     * @param listener receives every change, on the watcher's thread
     * @return the running watcher
     * @throws IOException if the epoll or eventfd descriptor cannot be had (no descriptor left)
     * @throws UnsupportedOperationException on a platform lifeline does not serve
     */
    public static Watcher start(Consumer<Change> listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        Probe.of(Path.of("/")); // the platform check, with its plain message
        return new Watcher(listener, new int[1]);
    }

    /**
     * Starts watching {@code path}; its current state is reported first. Watching a path already
     * watched does nothing.
     *
     * @param path the beacon to follow
     * @throws IllegalStateException if the watcher is closed
     */
    public void watch(Path path) {
        Probe probe = Probe.of(path);
        ids.computeIfAbsent(path, p -> {
            int id = nextId.getAndIncrement();
            watched.put(id, new Watched(probe));
            loop.add(id, probe.nativePath());
            return id;
        });
    }

    /**
     * Follows a directory of beacons with this watcher's own inotify instance and thread, nothing
     * polled: calls {@code appeared} with {@code dir} once it exists and is watched, so that a
     * listing made then misses no entry (an entry made meanwhile is reported twice: watching a
     * path twice does nothing), and again if events about it were lost; then {@code created} with
     * each entry created in it or moved into it. A directory that does not exist yet is followed
     * from the moment it appears (its nearest existing ancestor is watched meanwhile), and one
     * removed is waited for again. Paths are reported as {@code dir} is given: the entries of a
     * relative directory are relative. The callbacks run on the watcher's thread, and may call
     * {@link #watch}; a directory that exists has been reported by the time this returns.
     *
     * @param dir the directory, existing or not
     * @param appeared called with {@code dir} whenever a listing of it is due
     * @param created called with each entry made in {@code dir}
     * @return whether {@code dir} is a directory now (false: it is waited for)
     * @throws IllegalStateException if the watcher is closed
     */
    public boolean followDirectory(Path dir, Consumer<Path> appeared, Consumer<Path> created) {
        Objects.requireNonNull(appeared, "appeared");
        Objects.requireNonNull(created, "created");
        NativePath nativeDir = NativePath.of(dir);
        boolean exists = java.nio.file.Files.isDirectory(dir);
        int id = nextId.getAndIncrement();
        followed.put(id, new Followed(dir, appeared, created));
        loop.followDirectory(id, nativeDir);
        return exists;
    }

    private void deliver(Consumer<Path> callback, Path path) {
        try {
            callback.accept(path);
        } catch (RuntimeException failed) {
            // A callback's failure must not stop the loop that serves every other beacon.
            System.getLogger("dev.lifeline").log(System.Logger.Level.WARNING, "lifeline: a directory callback failed", failed);
        }
    }

    /**
     * Stops watching {@code path}, releasing what the watcher held for it. No change is reported
     * for it after this returns... except one already being delivered.
     *
     * @param path a watched beacon; anything else is ignored
     */
    public void unwatch(Path path) {
        Integer id = ids.remove(path);
        if (id != null) {
            watched.remove(id);
            loop.remove(id);
        }
    }

    /** How many paths are watched. */
    public int size() {
        return ids.size();
    }

    private void changed(int id, Outcome outcome) {
        long now = System.nanoTime();
        Watched w = watched.get(id);
        if (w == null) {
            return; // unwatched meanwhile
        }
        Status status = w.probe.status(outcome);
        Status.State previous = w.last;
        w.last = status.state();
        listener.accept(new Change(status, previous, now));
    }

    /** Stops the watcher's thread and releases every descriptor and watch. Idempotent. */
    @Override
    public void close() {
        loop.close();
    }

    @Override
    public String toString() {
        return "Watcher[" + ids.size() + " beacons]";
    }
}
