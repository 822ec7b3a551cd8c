package dev.lifeline.internal.linux;

import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.Outcome;
import dev.lifeline.internal.WatchLoop;
import dev.lifeline.internal.posix.CallState;
import dev.lifeline.internal.posix.Errno;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link EpollLoop}'s one inotify instance and what its events mean: a watch on each FIFO
 * (IN_OPEN, IN_ATTRIB), and one on each directory (IN_CREATE, IN_DELETE, IN_MOVED_FROM,
 * IN_MOVED_TO), shared by every role the directory plays: the home of beacons, a directory
 * followed for the entries made in it, and the nearest existing ancestor of a followed directory
 * that does not exist yet. Touched only on the loop's thread.
 */
final class InotifyWatches {
    static final long MIN_BACKOFF_MILLIS = 10;
    private static final int FIFO_MASK = Abi.IN_OPEN | Abi.IN_ATTRIB;
    /** One mask for every directory: adding a watch to an inode watched already replaces its mask. */
    private static final int DIR_MASK = Abi.IN_CREATE | Abi.IN_DELETE | Abi.IN_MOVED_FROM | Abi.IN_MOVED_TO
            | Abi.IN_ONLYDIR;

    /** What the loop does about a beacon an event concerns. */
    interface Recheck {
        /** {@code bornHeld}: a lifeline holder renamed its FIFO into place since the last look. */
        void recheck(LoopEntry e, boolean bornHeld);
    }

    private final LinuxCalls calls;
    private final int inotify;
    private final ByteBuffer buffer;
    private final WatchLoop.Sink sink;
    private final Map<Integer, Set<LoopEntry>> byFifoWatch = new HashMap<>();
    private final Map<String, Dir> dirsByPath = new HashMap<>();
    private final Map<Integer, Dir> dirsByWatch = new HashMap<>();
    private final Map<Integer, Followed> followed = new HashMap<>();

    private static final class Dir {
        final Path path;
        final String key;
        int watch = -1;
        final Map<String, Set<LoopEntry>> byName = new HashMap<>();
        /** Followed directories that are this one. */
        final Set<Followed> followers = new HashSet<>();
        /** Followed directories below this one that do not exist yet. */
        final Set<Followed> waiters = new HashSet<>();

        Dir(Path path, String key) {
            this.path = path;
            this.key = key;
        }

        boolean unused() {
            return byName.isEmpty() && followers.isEmpty() && waiters.isEmpty();
        }
    }

    /** A directory followed as {@link #id}: watched where it is ({@link #at}), or waited for ({@link #waitingAt}). */
    private static final class Followed {
        final int id;
        final Path dir;
        Dir at;
        Dir waitingAt;

        Followed(int id, Path dir) {
            this.id = id;
            this.dir = dir;
        }
    }

    /** {@code inotify} may be negative (none could be had): every beacon then backs off. */
    InotifyWatches(LinuxCalls calls, int inotify, ByteBuffer buffer, WatchLoop.Sink sink) {
        this.calls = calls;
        this.inotify = inotify;
        this.buffer = buffer;
        this.sink = sink;
    }

    /** Keys are the kernel's bytes, one char per byte (ISO-8859-1), as inotify names entries. */
    static String key(Path path) {
        return new String(NativePath.bytes(path), StandardCharsets.ISO_8859_1);
    }

    private Dir dir(Path path, String key) {
        return dirsByPath.computeIfAbsent(key, k -> new Dir(path, k));
    }

    void add(LoopEntry e) {
        dir(e.dir, e.dirKey).byName.computeIfAbsent(e.name, k -> new HashSet<>()).add(e);
    }

    /**
     * Arms the watches of {@code e}: to be done before each check, so that an event after the
     * arming cannot be missed, and one before it is covered by the check.
     */
    void arm(CallState s, LoopEntry e) {
        Dir dir = dirsByPath.get(e.dirKey);
        if (dir != null && dir.watch < 0 && watch(s, dir) >= 0) {
            for (Set<LoopEntry> named : dir.byName.values()) {
                for (LoopEntry other : named) {
                    other.backoff = MIN_BACKOFF_MILLIS;
                }
            }
        }
        armFifo(s, e);
    }

    /** Whether the directory of {@code e} is watched: if not, the loop backs off and checks again. */
    boolean directoryWatched(LoopEntry e) {
        Dir dir = dirsByPath.get(e.dirKey);
        return dir != null && dir.watch >= 0;
    }

    /** Watches {@code dir} if it is not yet: its watch descriptor, or minus the errno that refused it. */
    private int watch(CallState s, Dir dir) {
        if (dir.watch >= 0) {
            return dir.watch;
        }
        if (inotify < 0) {
            return inotify;
        }
        int wd = calls.inotifyAddWatch(s, inotify, NativePath.of(dir.path), DIR_MASK);
        if (wd < 0) {
            return wd;
        }
        dir.watch = wd;
        dirsByWatch.put(wd, dir);
        return wd;
    }

    /**
     * Whether a watch was refused because its path is not the directory it was when looked at
     * (ENOENT: gone; ENOTDIR: it, or a directory above it, is something else now). Whatever is
     * there by the time this is known may be new, made after the watch failed: only a new look
     * and a new watch can tell, never a look alone.
     */
    private static boolean changedSinceLook(int watched) {
        return watched == -Errno.ENOENT || watched == -Errno.ENOTDIR;
    }

    /** Forgets {@code dir}, and removes its watch, once no role is left to it. */
    private void release(Dir dir) {
        if (dir != null && dir.unused()) {
            dirsByPath.remove(dir.key);
            if (dir.watch >= 0) {
                dirsByWatch.remove(dir.watch);
                calls.inotifyRmWatch(calls.state(), inotify, dir.watch);
            }
        }
    }

    /** Follows {@code dir} as {@code id}: see {@link WatchLoop#followDirectory}. */
    void follow(int id, Path dir) {
        Followed f = new Followed(id, dir);
        followed.put(id, f);
        settle(f);
    }

    /**
     * Watches {@code f}'s directory if it is one now, and reports it; else watches its nearest
     * existing ancestor, to look again when an entry appears there.
     */
    private void settle(Followed f) {
        CallState s = calls.state();
        Path absolute = f.dir.toAbsolutePath().normalize();
        for (;;) {
            if (f.at != null) {
                return;
            }
            // Looked at by the path its watch is added to, not by f.dir (which may resolve elsewhere
            // through a symbolic link and ".."): a watch refused because that path changed since
            // the look then always finds it changed at the next look, and never looks for ever.
            if (Files.isDirectory(absolute)) {
                Dir dir = dir(absolute, key(absolute));
                int watched = watch(s, dir);
                if (watched < 0) {
                    release(dir);
                    if (changedSinceLook(watched)) {
                        // Removed between the look and the watch, and maybe made again since:
                        // looked at again, and watched or waited for.
                        continue;
                    }
                    // No inotify instance, or not ours to watch: listed once now, as what can be
                    // had, though what is made in it later goes unseen.
                    sink.directoryAppeared(f.id);
                    return;
                }
                stopWaiting(f);
                dir.followers.add(f);
                f.at = dir;
                sink.directoryAppeared(f.id);
                return;
            }
            Path ancestor = absolute.getParent();
            while (ancestor != null && !Files.isDirectory(ancestor)) {
                ancestor = ancestor.getParent();
            }
            if (ancestor == null) {
                return;
            }
            Dir waiting = dir(ancestor, key(ancestor));
            if (waiting != f.waitingAt) {
                stopWaiting(f);
                int watched = watch(s, waiting);
                if (watched < 0) {
                    release(waiting);
                    if (changedSinceLook(watched)) {
                        // Removed between the look and the watch (a directory and its parent
                        // removed and made again): look again, from what exists now. Neither
                        // returning nor asking whether the ancestor is a directory again will
                        // do: it may have been made again, unwatched, since the watch failed,
                        // and the directory would be followed by nothing, for good.
                        continue;
                    }
                    return;
                }
                waiting.waiters.add(f);
                f.waitingAt = waiting;
            }
            // Made between the look and the watch? Then look again: no event will come. Only a
            // directory counts: a file of that name would be found again at each look, for ever.
            if (!Files.isDirectory(ancestor.resolve(absolute.getName(ancestor.getNameCount())))) {
                return;
            }
        }
    }

    private void stopWaiting(Followed f) {
        Dir waiting = f.waitingAt;
        if (waiting != null) {
            waiting.waiters.remove(f);
            f.waitingAt = null;
            release(waiting);
        }
    }

    /**
     * Reads every pending event and has {@code recheck} look again at each beacon one may concern:
     * once per beacon, after reading them all; a beacon's directory that went away at once.
     */
    void drain(CallState s, Collection<LoopEntry> all, Recheck recheck) {
        Set<LoopEntry> touched = new HashSet<>();
        Set<LoopEntry> bornHeld = new HashSet<>();
        Set<Followed> unsettled = new LinkedHashSet<>();
        Map<Integer, String> movedFrom = new HashMap<>();
        Inotify.drain(calls, s, inotify, buffer, (wd, mask, cookie, name) -> {
            if ((mask & Abi.IN_Q_OVERFLOW) != 0) {
                touched.addAll(all); // events were dropped: look at everything again
                for (Followed f : followed.values()) {
                    if (f.at != null) {
                        sink.directoryAppeared(f.id); // listed again by whoever follows it
                    } else {
                        unsettled.add(f);
                    }
                }
                return;
            }
            if ((mask & Abi.IN_IGNORED) != 0) {
                forgetWatch(wd, recheck, unsettled);
                return;
            }
            Dir dir = dirsByWatch.get(wd);
            if (dir != null && name != null) {
                if ((mask & Abi.IN_MOVED_FROM) != 0) {
                    movedFrom.put(cookie, name);
                }
                Set<LoopEntry> named = dir.byName.get(name);
                if (named != null) {
                    // created, renamed here or away, or removed: a held beacon's name can go while
                    // its holder lives, and then the answer is ABSENT
                    touched.addAll(named);
                    // A lifeline holder renames its FIFO into place only once it holds it
                    // (Beacon.open): such a rename proves a holder at that instant, even if it is
                    // gone again by the time of the check.
                    String from = movedFrom.get(cookie);
                    if ((mask & Abi.IN_MOVED_TO) != 0 && from != null
                            && from.startsWith("." + name + ".") && from.endsWith(".lifeline-new")) {
                        bornHeld.addAll(named);
                    }
                }
                if ((mask & (Abi.IN_CREATE | Abi.IN_MOVED_TO)) != 0) {
                    for (Followed f : List.copyOf(dir.followers)) {
                        sink.entryCreated(f.id, name.getBytes(StandardCharsets.ISO_8859_1));
                    }
                    unsettled.addAll(dir.waiters);
                }
            }
            Set<LoopEntry> fifo = byFifoWatch.get(wd);
            if (fifo != null) {
                for (LoopEntry e : fifo) {
                    if (matters(e.last, mask)) {
                        touched.add(e);
                    }
                }
            }
        });
        for (LoopEntry e : touched) {
            if (!e.removed) {
                recheck.recheck(e, bornHeld.contains(e));
            }
        }
        for (Followed f : unsettled) {
            settle(f);
        }
    }

    /**
     * Whether a FIFO event can change what is known. IN_OPEN matters only for a FIFO believed
     * DEAD or ABSENT: for those the loop's own probe fails and raises no event, while any open
     * that succeeds means a holder. For a FIFO that is held, an open is some checker's (or the
     * loop's own) and means nothing; reacting to it would make the loop wake itself forever.
     * IN_ATTRIB (a beat, a chmod) always matters: a holder's first beat makes a promise the timer
     * must learn of, a later one may promise an earlier deadline than the timer is set for, and a
     * HUNG holder that beats again is ALIVE. A probe changes no attribute, so this never loops.
     */
    static boolean matters(int last, int mask) {
        if ((mask & Abi.IN_OPEN) != 0 && (last == Outcome.DEAD || last == Outcome.ABSENT)) {
            return true;
        }
        return (mask & Abi.IN_ATTRIB) != 0;
    }

    /** The kernel dropped watch {@code wd}: its inode is gone (a directory removed, a FIFO unlinked). */
    private void forgetWatch(int wd, Recheck recheck, Set<Followed> unsettled) {
        Dir dir = dirsByWatch.remove(wd);
        if (dir != null) {
            dir.watch = -1;
            for (Set<LoopEntry> named : new ArrayList<>(dir.byName.values())) {
                for (LoopEntry e : named) {
                    recheck.recheck(e, false); // the directory went away: check, and arm the back-off
                }
            }
            for (Followed f : dir.followers) {
                f.at = null; // removed: waited for again
                unsettled.add(f);
            }
            dir.followers.clear();
            for (Followed f : dir.waiters) {
                f.waitingAt = null;
                unsettled.add(f);
            }
            dir.waiters.clear();
            if (dir.unused()) {
                dirsByPath.remove(dir.key);
            }
        }
        Set<LoopEntry> fifo = byFifoWatch.remove(wd);
        if (fifo != null) {
            for (LoopEntry e : fifo) {
                e.fifoWatch = -1;
            }
        }
    }

    private void armFifo(CallState s, LoopEntry e) {
        if (inotify < 0) {
            return;
        }
        // Added again each time: a FIFO made anew is a new inode, and adding a watch to an
        // inode already watched returns the same descriptor.
        int wd = calls.inotifyAddWatch(s, inotify, e.path, FIFO_MASK);
        if (wd == e.fifoWatch) {
            return;
        }
        if (e.fifoWatch >= 0) {
            Set<LoopEntry> old = byFifoWatch.get(e.fifoWatch);
            if (old != null) {
                old.remove(e);
            }
        }
        e.fifoWatch = wd;
        if (wd >= 0) {
            byFifoWatch.computeIfAbsent(wd, k -> new HashSet<>()).add(e);
        }
    }

    /** Removes the watches that served {@code e} alone. */
    void drop(LoopEntry e) {
        if (e.fifoWatch >= 0) {
            Set<LoopEntry> set = byFifoWatch.get(e.fifoWatch);
            if (set != null) {
                set.remove(e);
                if (set.isEmpty()) {
                    byFifoWatch.remove(e.fifoWatch);
                    calls.inotifyRmWatch(calls.state(), inotify, e.fifoWatch);
                }
            }
        }
        Dir dir = dirsByPath.get(e.dirKey);
        if (dir != null) {
            Set<LoopEntry> named = dir.byName.get(e.name);
            if (named != null) {
                named.remove(e);
                if (named.isEmpty()) {
                    dir.byName.remove(e.name);
                }
            }
            release(dir);
        }
    }
}
