package dev.lifeline.internal.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * One thread following many beacons with epoll, inotify and a timer queue. Internal usage only.
 *
 * <ul>
 * <li>Death: for each held beacon the loop keeps the FIFO's write end open, registered for
 *     EPOLLERR, which Linux raises the moment the last reader is gone.
 * <li>Birth and restart: one inotify instance watches each beacon's directory (IN_CREATE,
 *     IN_DELETE, IN_MOVED_FROM, IN_MOVED_TO) and each FIFO (IN_OPEN, IN_ATTRIB). An open of a FIFO believed not held, or
 *     a new file of the beacon's name, makes the loop check again. A probe of a FIFO nobody
 *     holds fails, and a failed open raises no event, so the loop never wakes itself.
 * <li>Heartbeat: a beacon with a promise gets a timer at its deadline, a priority queue that
 *     sets epoll_wait's timeout; nothing is scanned. Each beat raises IN_ATTRIB (futimens),
 *     which wakes the loop to read the new promise: one check per beat.
 * <li>Where a directory does not exist, its beacons are checked again on a back-off timer,
 *     10 ms doubling to 1 s, until it does.
 * </ul>
 *
 * <p>Each path is checked again after every event about it and the outcome compared with the
 * last one reported; a change is reported through {@link Sink}, on the loop thread. A death seen
 * through EPOLLERR is always reported, even when a new holder was already there by the time of
 * the check: first the death (ABSENT if the FIFO had been removed, else DEAD), then the new state.
 * A holder that comes and goes entirely between two wake-ups of the loop (microseconds) can
 * go unseen.
 *
 * <p>Concurrency: {@link #add}, {@link #remove} and {@link #close} may be called from any
 * thread; they queue a command and wake the loop through an eventfd (a thread in epoll_wait does
 * not notice Thread.interrupt).
 */
public final class WatchLoop implements AutoCloseable {
    /** Receives changes, on the loop thread. */
    public interface Sink {
        /**
         * {@code id}'s outcome changed to {@code outcome} (a {@link Fifo#probe} code, with
         * ALIVE_PROMISED reported as is); {@code beatMillis}/{@code deadlineMillis} are set for
         * ALIVE_PROMISED and HUNG.
         */
        void changed(int id, int outcome, long beatMillis, long deadlineMillis);
    }

    private static final long WAKE = -1;
    private static final long INOTIFY = -2;
    private static final int MAX_EVENTS = 256;
    private static final int FIFO_MASK = Linux.IN_OPEN | Linux.IN_ATTRIB;
    private static final int DIR_MASK = Linux.IN_CREATE | Linux.IN_DELETE | Linux.IN_MOVED_FROM | Linux.IN_MOVED_TO
            | Linux.IN_ONLYDIR;
    private static final long MIN_BACKOFF_MILLIS = 10;
    private static final long MAX_BACKOFF_MILLIS = 1_000;

    private final Sink sink;
    private final int epfd;
    private final int inotify;
    private final int wake;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;

    // -- Loop-thread state --
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events;
    private final MemorySegment event;
    private final MemorySegment inotifyBuffer;
    private final Map<Integer, Entry> entries = new HashMap<>();
    private final Map<Integer, Set<Entry>> byFifoWatch = new HashMap<>();
    private final Map<String, Dir> dirsByPath = new HashMap<>();
    private final Map<Integer, Dir> dirsByWatch = new HashMap<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();

    private static final class Entry {
        final int id;
        final NativePath path;
        final Path dir;
        final String dirKey;
        final String name;
        int fifoWatch = -1;
        int writeFd = -1;
        int last = Integer.MIN_VALUE;
        int generation;
        long backoff = MIN_BACKOFF_MILLIS;
        boolean removed;

        Entry(int id, NativePath path) {
            this.id = id;
            this.path = path;
            // Keys are the kernel's bytes, one char per byte (ISO-8859-1), as inotify names them:
            // a name Java cannot decode still matches exactly its own events.
            Path absolute = path.path().toAbsolutePath();
            Path parent = absolute.getParent();
            this.dir = parent == null ? Path.of("/") : parent;
            this.dirKey = new String(NativePath.bytes(dir), StandardCharsets.ISO_8859_1);
            Path file = absolute.getFileName();
            this.name = file == null ? "" : new String(NativePath.bytes(file), StandardCharsets.ISO_8859_1);
        }
    }

    private static final class Dir {
        final Path path;
        int watch = -1;
        final Map<String, Set<Entry>> byName = new HashMap<>();

        Dir(Path path) {
            this.path = path;
        }
    }

    private record Timer(long at, Entry entry, int generation) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(at, o.at);
        }
    }

    private WatchLoop(Sink sink, int epfd, int inotify, int wake) {
        this.sink = sink;
        this.epfd = epfd;
        this.inotify = inotify;
        this.wake = wake;
        this.events = arena.allocate(MAX_EVENTS * Linux.EPOLL_EVENT_SIZE, 8);
        this.event = arena.allocate(Linux.EPOLL_EVENT_SIZE, 8);
        this.inotifyBuffer = arena.allocate(64 * 1024, 8);
        this.thread = Thread.ofPlatform().daemon().name("lifeline-watcher").unstarted(this::run);
    }

    /** Starts a loop; minus errno if its descriptors cannot be had. */
    public static WatchLoop start(Sink sink, int[] errno) {
        LibC.Scratch s = LibC.scratch();
        int epfd = LibC.epollCreate(s);
        if (epfd < 0) {
            errno[0] = -epfd;
            return null;
        }
        int inotify = LibC.inotifyInit(s, Linux.IN_CLOEXEC | Linux.IN_NONBLOCK);
        int wake = LibC.eventfd(s, Linux.EFD_CLOEXEC | Linux.EFD_NONBLOCK);
        if (wake < 0) {
            errno[0] = -wake;
            LibC.close(s, epfd);
            if (inotify >= 0) {
                LibC.close(s, inotify);
            }
            return null;
        }
        WatchLoop loop = new WatchLoop(sink, epfd, inotify, wake);
        loop.register(wake, WAKE, Linux.EPOLLIN);
        if (inotify >= 0) {
            loop.register(inotify, INOTIFY, Linux.EPOLLIN);
        }
        loop.thread.start();
        return loop;
    }

    /** Starts following {@code path} as {@code id}; its first outcome is reported as a change. */
    public void add(int id, NativePath path) {
        command(() -> {
            Entry e = new Entry(id, path);
            entries.put(id, e);
            Dir dir = dirsByPath.computeIfAbsent(e.dirKey, k -> new Dir(e.dir));
            dir.byName.computeIfAbsent(e.name, k -> new HashSet<>()).add(e);
            recheck(e, false);
        });
    }

    /** Stops following {@code id}, releasing its descriptor and watches. */
    public void remove(int id) {
        command(() -> {
            Entry e = entries.remove(id);
            if (e != null) {
                drop(e);
            }
        });
    }

    private void command(Runnable r) {
        if (closing) {
            throw new IllegalStateException("watcher closed");
        }
        commands.add(r);
        LibC.signal(LibC.scratch(), wake);
    }

    /** Stops the loop, waits for its thread, and releases every descriptor. Idempotent. */
    @Override
    public void close() {
        if (!closing) {
            closing = true;
            LibC.signal(LibC.scratch(), wake);
        }
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            for (;;) {
                try {
                    stopped.await();
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // -- The loop --

    private void run() {
        LibC.Scratch s = LibC.scratch();
        try {
            while (!closing) {
                int n = LibC.epollWait(s, epfd, events, MAX_EVENTS, timeout());
                if (n < 0 && n != -Errno.EINTR) {
                    throw new IllegalStateException("epoll_wait: " + Errno.describe(-n) + " (" + Errno.name(-n) + ")");
                }
                for (int i = 0; i < n; i++) {
                    long base = i * Linux.EPOLL_EVENT_SIZE;
                    int mask = events.get(ValueLayout.JAVA_INT, base);
                    long data = events.get(ValueLayout.JAVA_LONG_UNALIGNED, base + Linux.EPOLL_DATA);
                    if (data == WAKE) {
                        LibC.read(s, wake, inotifyBuffer.asSlice(0, 8));
                    } else if (data == INOTIFY) {
                        drainInotify(s);
                    } else {
                        // data is the entry's id and the descriptor registered: an event for a
                        // write end that a recheck in this same batch closed (or replaced) is old news.
                        Entry e = entries.get((int) (data >>> 32));
                        if (e != null && e.writeFd == (int) data && (mask & (Linux.EPOLLERR | Linux.EPOLLHUP)) != 0) {
                            died(e);
                        }
                    }
                }
                Runnable c;
                while (!closing && (c = commands.poll()) != null) {
                    c.run();
                }
                fireTimers();
            }
        } finally {
            for (Entry e : entries.values()) {
                closeWriteEnd(e);
            }
            entries.clear();
            LibC.close(s, epfd);
            if (inotify >= 0) {
                LibC.close(s, inotify);
            }
            LibC.close(s, wake);
            arena.close();
            stopped.countDown();
        }
    }

    private int timeout() {
        if (!commands.isEmpty()) {
            return 0;
        }
        Timer next = timers.peek();
        if (next == null) {
            return -1;
        }
        long wait = next.at - System.currentTimeMillis();
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, wait));
    }

    private void fireTimers() {
        long now = System.currentTimeMillis();
        Timer t;
        while ((t = timers.peek()) != null && t.at <= now) {
            timers.poll();
            Entry e = t.entry;
            if (!e.removed && e.generation == t.generation) {
                recheck(e, false);
            }
        }
    }

    private void schedule(Entry e, long at) {
        e.generation++;
        timers.add(new Timer(at, e, e.generation));
    }

    private void drainInotify(LibC.Scratch s) {
        long n;
        Set<Entry> touched = new HashSet<>();
        Set<Entry> bornHeld = new HashSet<>();
        Map<Integer, String> movedFrom = new HashMap<>();
        while ((n = LibC.read(s, inotify, inotifyBuffer)) > 0) {
            for (long at = 0; at + 16 <= n; ) {
                int wd = inotifyBuffer.get(ValueLayout.JAVA_INT, at);
                int mask = inotifyBuffer.get(ValueLayout.JAVA_INT, at + 4);
                int cookie = inotifyBuffer.get(ValueLayout.JAVA_INT, at + 8);
                int len = inotifyBuffer.get(ValueLayout.JAVA_INT, at + 12);
                if ((mask & Linux.IN_Q_OVERFLOW) != 0) {
                    touched.addAll(entries.values()); // events were dropped: look at everything again
                } else if ((mask & Linux.IN_IGNORED) != 0) {
                    forgetWatch(wd);
                } else {
                    Dir dir = dirsByWatch.get(wd);
                    if (dir != null && len > 0) {
                        String name = name(at + 16, len);
                        if ((mask & Linux.IN_MOVED_FROM) != 0) {
                            movedFrom.put(cookie, name);
                        }
                        Set<Entry> named = dir.byName.get(name);
                        if (named != null) {
                            // created, renamed here or away, or removed: a held beacon's name
                            // can go while its holder lives, and then the answer is ABSENT
                            touched.addAll(named);
                            // A lifeline holder renames its FIFO into place only once it holds it
                            // (Beacon.open): such a rename proves a holder at that instant, even
                            // if it is gone again by the time of the check.
                            String from = movedFrom.get(cookie);
                            if ((mask & Linux.IN_MOVED_TO) != 0 && from != null
                                    && from.startsWith("." + name + ".") && from.endsWith(".lifeline-new")) {
                                bornHeld.addAll(named);
                            }
                        }
                    }
                    Set<Entry> fifo = byFifoWatch.get(wd);
                    if (fifo != null) {
                        for (Entry e : fifo) {
                            if (matters(e.last, mask)) {
                                touched.add(e);
                            }
                        }
                    }
                }
                at += 16 + Integer.toUnsignedLong(len);
            }
        }
        for (Entry e : touched) {
            if (!e.removed) {
                recheck(e, false, Fifo.DEAD, bornHeld.contains(e));
            }
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
    private static boolean matters(int last, int mask) {
        if ((mask & Linux.IN_OPEN) != 0 && (last == Fifo.DEAD || last == Fifo.ABSENT)) {
            return true;
        }
        return (mask & Linux.IN_ATTRIB) != 0;
    }

    private String name(long offset, int len) {
        int end = 0;
        while (end < len && inotifyBuffer.get(ValueLayout.JAVA_BYTE, offset + end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end];
        MemorySegment.copy(inotifyBuffer, ValueLayout.JAVA_BYTE, offset, bytes, 0, end);
        return new String(bytes, StandardCharsets.ISO_8859_1); // as Entry's keys
    }

    private void forgetWatch(int wd) {
        Dir dir = dirsByWatch.remove(wd);
        if (dir != null) {
            dir.watch = -1;
            for (Set<Entry> named : dir.byName.values()) {
                for (Entry e : named) {
                    recheck(e, false); // the directory went away: check, and arm the back-off
                }
            }
        }
        Set<Entry> fifo = byFifoWatch.remove(wd);
        if (fifo != null) {
            for (Entry e : fifo) {
                e.fifoWatch = -1;
            }
        }
    }

    /** EPOLLERR on a write end: the last reader is gone, whatever the path shows by now. */
    private void died(Entry e) {
        LibC.Scratch s = LibC.scratch();
        int death = Fifo.DEAD;
        if (LibC.fstatx(s, e.writeFd, Linux.STATX_NLINK) == 0
                && s.statx.get(ValueLayout.JAVA_INT, Linux.STX_NLINK) == 0) {
            death = Fifo.ABSENT; // removed before its holder let go: a clean close
        }
        closeWriteEnd(e);
        recheck(e, true, death);
    }

    private void recheck(Entry e, boolean died) {
        recheck(e, died, Fifo.DEAD, false);
    }

    private void recheck(Entry e, boolean died, int death) {
        recheck(e, died, death, false);
    }

    /**
     * Arms the watches first, then checks: an event after the arming cannot be missed, and one
     * before it is covered by the check.
     */
    private void recheck(Entry e, boolean died, int death, boolean bornHeld) {
        LibC.Scratch s = LibC.scratch();
        armDirectory(s, e);
        armFifo(s, e);
        int outcome = Fifo.probe(e.path);
        boolean held = outcome == Fifo.ALIVE || outcome == Fifo.ALIVE_PROMISED || outcome == Fifo.HUNG;
        if (held && e.writeFd < 0) {
            int fd = LibC.open(s, e.path, Linux.O_WRONLY | Linux.O_NONBLOCK | Linux.O_CLOEXEC | Linux.O_NOCTTY);
            if (fd < 0) {
                outcome = Fifo.probe(e.path); // it died between the two opens
                held = outcome == Fifo.ALIVE || outcome == Fifo.ALIVE_PROMISED || outcome == Fifo.HUNG;
            } else {
                e.writeFd = fd;
                register(fd, (long) e.id << 32 | fd, 0); // EPOLLERR is reported whatever is asked
            }
        }
        long beat = 0;
        long deadline = 0;
        if (outcome == Fifo.ALIVE_PROMISED || outcome == Fifo.HUNG) {
            beat = Fifo.lastBeatMillis();
            deadline = Fifo.deadlineMillis();
        }
        if (!held) {
            closeWriteEnd(e);
        }
        if (outcome == Fifo.ALIVE_PROMISED) {
            schedule(e, deadline + 1);
        } else if (dirsByPath.get(e.dirKey) == null || dirsByPath.get(e.dirKey).watch < 0) {
            schedule(e, System.currentTimeMillis() + e.backoff); // no directory to watch: back off
            e.backoff = Math.min(MAX_BACKOFF_MILLIS, e.backoff * 2);
        }
        if (died && held) {
            report(e, death, 0, 0);
        }
        // A lifeline holder renames its FIFO into place only once it holds it: a rename seen
        // since the last look, with nobody holding now, was a holder that came and went between
        // two looks (a GC pause, a loaded machine). Say so rather than lose it. Two such
        // holders within one stall are reported as one: the Watcher's documented limit.
        if (bornHeld && !held && e.last != Fifo.ALIVE && e.last != Fifo.ALIVE_PROMISED && e.last != Fifo.HUNG) {
            report(e, Fifo.ALIVE, 0, 0);
        }
        report(e, outcome, beat, deadline);
    }

    private void report(Entry e, int outcome, long beat, long deadline) {
        int previous = e.last;
        e.last = outcome;
        boolean aliveToAlive = (previous == Fifo.ALIVE || previous == Fifo.ALIVE_PROMISED)
                && (outcome == Fifo.ALIVE || outcome == Fifo.ALIVE_PROMISED);
        if (!aliveToAlive && previous != outcome) {
            try {
                sink.changed(e.id, outcome, beat, deadline);
            } catch (RuntimeException listenerFailed) {
                // A listener's failure must not stop the loop that serves every other beacon.
                System.getLogger("dev.lifeline").log(System.Logger.Level.WARNING,
                        "lifeline: a watcher listener failed", listenerFailed);
            }
        }
    }

    private void armDirectory(LibC.Scratch s, Entry e) {
        Dir dir = dirsByPath.get(e.dirKey);
        if (dir == null || dir.watch >= 0 || inotify < 0) {
            return;
        }
        int wd = LibC.inotifyAddWatch(s, inotify, NativePath.of(dir.path), DIR_MASK);
        if (wd >= 0) {
            dir.watch = wd;
            dirsByWatch.put(wd, dir);
            for (Set<Entry> named : dir.byName.values()) {
                for (Entry other : named) {
                    other.backoff = MIN_BACKOFF_MILLIS;
                }
            }
        }
    }

    private void armFifo(LibC.Scratch s, Entry e) {
        if (inotify < 0) {
            return;
        }
        // Added again each time: a FIFO made anew is a new inode, and adding a watch to an
        // inode already watched returns the same descriptor.
        int wd = LibC.inotifyAddWatch(s, inotify, e.path, FIFO_MASK);
        if (wd == e.fifoWatch) {
            return;
        }
        if (e.fifoWatch >= 0) {
            Set<Entry> old = byFifoWatch.get(e.fifoWatch);
            if (old != null) {
                old.remove(e);
            }
        }
        e.fifoWatch = wd;
        if (wd >= 0) {
            byFifoWatch.computeIfAbsent(wd, k -> new HashSet<>()).add(e);
        }
    }

    private void drop(Entry e) {
        e.removed = true;
        closeWriteEnd(e);
        if (e.fifoWatch >= 0) {
            Set<Entry> set = byFifoWatch.get(e.fifoWatch);
            if (set != null) {
                set.remove(e);
                if (set.isEmpty()) {
                    byFifoWatch.remove(e.fifoWatch);
                    LibC.inotifyRmWatch(LibC.scratch(), inotify, e.fifoWatch);
                }
            }
        }
        Dir dir = dirsByPath.get(e.dirKey);
        if (dir != null) {
            Set<Entry> named = dir.byName.get(e.name);
            if (named != null) {
                named.remove(e);
                if (named.isEmpty()) {
                    dir.byName.remove(e.name);
                }
            }
            if (dir.byName.isEmpty()) {
                dirsByPath.remove(e.dirKey);
                if (dir.watch >= 0) {
                    dirsByWatch.remove(dir.watch);
                    LibC.inotifyRmWatch(LibC.scratch(), inotify, dir.watch);
                }
            }
        }
    }

    private void closeWriteEnd(Entry e) {
        if (e.writeFd >= 0) {
            LibC.Scratch s = LibC.scratch();
            LibC.epollCtl(s, epfd, Linux.EPOLL_CTL_DEL, e.writeFd, MemorySegment.NULL);
            if (LibC.fstatx(s, e.writeFd, Linux.STATX_INO) == 0) {
                Fifo.closeFifo(s, e.writeFd, s.statxDev(), s.statxIno());
            } else {
                LibC.close(s, e.writeFd);
            }
            e.writeFd = -1;
        }
    }

    private void register(int fd, long data, int mask) {
        event.set(ValueLayout.JAVA_INT, 0, mask);
        event.set(ValueLayout.JAVA_LONG_UNALIGNED, Linux.EPOLL_DATA, data);
        int r = LibC.epollCtl(LibC.scratch(), epfd, Linux.EPOLL_CTL_ADD, fd, event);
        if (r < 0) {
            throw new IllegalStateException("epoll_ctl: " + Errno.describe(-r) + " (" + Errno.name(-r) + ")");
        }
    }
}
