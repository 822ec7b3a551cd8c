package dev.lifeline.serve;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows directories of beacons, including directories that do not exist yet: one
 * {@link WatchService} (inotify) and one platform thread. For each followed directory that
 * exists, {@code appeared} is called once it is watched, so that a listing made then misses no
 * entry (an entry made meanwhile is reported twice; following a beacon twice does nothing); then
 * {@code created} for every entry created or moved into it. A directory that does not exist is
 * waited for by watching its nearest existing ancestor, a level at a time, and is followed as
 * soon as it appears; one removed later is waited for again. Nothing is polled.
 *
 * <p>Paths are reported as given: entries of a relative directory are relative.
 *
 * <p>Used by {@code lifeline serve} and {@code lifeline watch}. Callbacks run on the caller's
 * thread for a directory that exists when {@link #follow} is called, else on this class's
 * thread; they should not block.
 *
 * <p>Concurrency: safe for concurrent use; {@link #close()} stops the thread and is idempotent.
 */
public final class Directories implements AutoCloseable {
    private final WatchService service;
    private final Consumer<Path> appeared;
    private final Consumer<Path> created;
    private final Thread thread;
    /** Directories followed and watched; guarded by this. */
    private final Set<Path> watched = new HashSet<>();
    /** Directories followed that do not exist (yet); guarded by this. */
    private final Set<Path> pending = new HashSet<>();

    private Directories(String name, Consumer<Path> appeared, Consumer<Path> created) throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        this.appeared = appeared;
        this.created = created;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    /**
     * Starts the thread; nothing is followed until {@link #follow}.
     *
     * @param threadName the name of the thread
     * @param appeared called with a followed directory once it exists and is watched
     * @param created called with each entry created in (or moved into) a followed directory
     * @return the running follower
     * @throws IOException if no inotify instance can be had
     */
    public static Directories start(String threadName, Consumer<Path> appeared, Consumer<Path> created)
            throws IOException {
        Directories d = new Directories(threadName, appeared, created);
        d.thread.start();
        return d;
    }

    /**
     * Follows {@code dir}: at once if it is a directory, else from the moment it becomes one.
     *
     * @return whether it exists now (false: it is waited for)
     * @throws IOException if it, or its nearest existing ancestor, cannot be watched
     */
    public boolean follow(Path dir) throws IOException {
        return settle(dir);
    }

    /** Watches {@code dir} if it is a directory now, else the nearest ancestor that exists. */
    private boolean settle(Path dir) throws IOException {
        List<Path> appearedNow = new ArrayList<>();
        try {
            synchronized (this) {
                for (;;) {
                    if (watched.contains(dir)) {
                        return true;
                    }
                    if (Files.isDirectory(dir)) {
                        dir.register(service, StandardWatchEventKinds.ENTRY_CREATE);
                        watched.add(dir);
                        pending.remove(dir);
                        appearedNow.add(dir);
                        return true;
                    }
                    pending.add(dir);
                    Path absolute = dir.toAbsolutePath().normalize();
                    Path ancestor = absolute.getParent();
                    while (ancestor != null && !Files.isDirectory(ancestor)) {
                        ancestor = ancestor.getParent();
                    }
                    if (ancestor == null) {
                        return false; // nothing to watch: no root (cannot happen for an absolute path)
                    }
                    ancestor.register(service, StandardWatchEventKinds.ENTRY_CREATE);
                    // Made between the look and the watch? Then look again: no event will come.
                    Path next = ancestor.resolve(absolute.getName(ancestor.getNameCount()));
                    if (!Files.exists(next)) {
                        return false;
                    }
                }
            }
        } finally {
            for (Path p : appearedNow) {
                appeared.accept(p);
            }
        }
    }

    private void run() {
        try {
            for (;;) {
                WatchKey key = service.take();
                Path dir = (Path) key.watchable();
                boolean overflow = false;
                List<Path> entries = new ArrayList<>();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        overflow = true;
                    } else if (event.context() instanceof Path name) {
                        entries.add(dir.resolve(name));
                    }
                }
                boolean valid = key.reset();
                boolean followed;
                synchronized (this) {
                    followed = watched.contains(dir);
                    if (!valid && followed) {
                        watched.remove(dir); // removed: wait for it to come back
                        pending.add(dir);
                    }
                }
                if (followed && valid) {
                    entries.forEach(created);
                    if (overflow) {
                        appeared.accept(dir); // events were lost: the caller lists it again
                    }
                }
                for (Path waiting : pendingSnapshot()) {
                    try {
                        settle(waiting);
                    } catch (IOException unwatchable) {
                        // stays pending: a later event on the way may bring it
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closing
        }
    }

    private synchronized List<Path> pendingSnapshot() {
        return new ArrayList<>(pending);
    }

    /** Stops following. Idempotent. */
    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        thread.interrupt();
    }
}
