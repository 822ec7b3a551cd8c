package dev.lifeline.internal.linux;

import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.Outcome;
import dev.lifeline.internal.Platform;
import dev.lifeline.internal.WatchLoop;
import dev.lifeline.internal.posix.CallState;
import dev.lifeline.internal.posix.Errno;
import dev.lifeline.internal.posix.Fifos;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
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
 * last one reported; a change is reported through {@link WatchLoop.Sink}, on the loop thread. A death seen
 * through EPOLLERR is always reported, even when a new holder was already there by the time of
 * the check: first the death (ABSENT if the FIFO had been removed, else DEAD), then the new state.
 * A holder that comes and goes entirely between two wake-ups of the loop (microseconds) can
 * go unseen.
 *
 * <p>Concurrency: {@link #add}, {@link #remove} and {@link #close} may be called from any
 * thread; they queue a command and wake the loop through an eventfd (a thread in epoll_wait does
 * not notice Thread.interrupt).
 */
final class EpollLoop implements WatchLoop {
    /** No outcome reported yet. */
    private static final int NONE = Integer.MIN_VALUE;

    private static final long WAKE = -1;
    private static final long INOTIFY = -2;
    private static final int MAX_EVENTS = 256;
    private static final long MAX_BACKOFF_MILLIS = 1_000;

    private final LinuxCalls calls;
    private final Sink sink;
    private final Platform platform;
    private final Fifos fifos;
    private final int epfd;
    private final int inotify;
    private final Wakeup wake;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;

    // -- Loop-thread state --
    private final ByteBuffer events;
    private final ByteBuffer event;
    /** The loop thread's outcomes: of its checks, and of the deaths it reports. */
    private final Outcome outcome = new Outcome();
    private final Outcome news = new Outcome();
    private final Map<Integer, LoopEntry> entries = new HashMap<>();
    private final InotifyWatches watches;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();

    private record Timer(long at, LoopEntry entry, int generation) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(at, o.at);
        }
    }

    private EpollLoop(LinuxCalls calls, Sink sink, Platform platform, Fifos fifos, int epfd, int inotify, Wakeup wake) {
        this.calls = calls;
        this.sink = sink;
        this.platform = platform;
        this.fifos = fifos;
        this.epfd = epfd;
        this.inotify = inotify;
        this.wake = wake;
        this.events = calls.allocate(MAX_EVENTS * Abi.EPOLL_EVENT_SIZE);
        this.event = calls.allocate(Abi.EPOLL_EVENT_SIZE);
        this.watches = new InotifyWatches(calls, inotify, calls.allocate(Inotify.BUFFER_SIZE), sink);
        this.thread = new Thread(this::run, "lifeline-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts a loop; null, with {@code errno[0]} set, if its descriptors cannot be had. */
    static EpollLoop start(LinuxCalls calls, Sink sink, Platform platform, Fifos fifos, int[] errno) {
        CallState s = calls.state();
        int epfd = calls.epollCreate(s);
        if (epfd < 0) {
            errno[0] = -epfd;
            return null;
        }
        int inotify = calls.inotifyInit(s);
        Wakeup wake = Wakeup.open(calls, errno);
        if (wake == null) {
            calls.close(s, epfd);
            if (inotify >= 0) {
                calls.close(s, inotify);
            }
            return null;
        }
        EpollLoop loop = new EpollLoop(calls, sink, platform, fifos, epfd, inotify, wake);
        loop.register(wake.fd, WAKE, Abi.EPOLLIN);
        if (inotify >= 0) {
            loop.register(inotify, INOTIFY, Abi.EPOLLIN);
        }
        loop.thread.start();
        return loop;
    }

    @Override
    public void add(int id, NativePath path) {
        command(() -> {
            LoopEntry e = new LoopEntry(id, path);
            entries.put(id, e);
            watches.add(e);
            recheck(e, false);
        });
    }

    @Override
    public void remove(int id) {
        command(() -> {
            LoopEntry e = entries.remove(id);
            if (e != null) {
                e.removed = true;
                closeWriteEnd(e);
                watches.drop(e);
            }
        });
    }

    @Override
    public void followDirectory(int id, NativePath dir) {
        if (Thread.currentThread() == thread) {
            watches.follow(id, dir.path()); // from a listener: the loop is here already
            return;
        }
        CountDownLatch looked = new CountDownLatch(1);
        command(() -> {
            try {
                watches.follow(id, dir.path());
            } finally {
                looked.countDown();
            }
        });
        boolean interrupted = false;
        while (stopped.getCount() > 0) { // a loop that stopped meanwhile will never look
            try {
                if (looked.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void command(Runnable r) {
        if (closing) {
            throw new IllegalStateException("watcher closed");
        }
        commands.add(r);
        wake.signal();
    }

    @Override
    public void close() {
        if (!closing) {
            closing = true;
            wake.signal();
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
        CallState s = calls.state();
        try {
            while (!closing) {
                int n = calls.epollWait(s, epfd, events, MAX_EVENTS, timeout());
                if (n < 0 && n != -Errno.EINTR) {
                    throw new IllegalStateException("epoll_wait: " + Errno.describe(-n) + " (" + Errno.name(-n) + ")");
                }
                for (int i = 0; i < n; i++) {
                    int base = i * Abi.EPOLL_EVENT_SIZE;
                    int mask = events.getInt(base);
                    long data = events.getLong(base + Abi.EPOLL_DATA); // unaligned on x86_64 (packed)
                    if (data == WAKE) {
                        wake.drain(s);
                    } else if (data == INOTIFY) {
                        watches.drain(s, entries.values(), (e, bornHeld) -> recheck(e, false, Outcome.DEAD, bornHeld));
                    } else {
                        // data is the entry's id and the descriptor registered: an event for a
                        // write end that a recheck in this same batch closed (or replaced) is old news.
                        LoopEntry e = entries.get((int) (data >>> 32));
                        if (e != null && e.writeFd == (int) data && (mask & (Abi.EPOLLERR | Abi.EPOLLHUP)) != 0) {
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
            for (LoopEntry e : entries.values()) {
                closeWriteEnd(e);
            }
            entries.clear();
            calls.close(s, epfd);
            if (inotify >= 0) {
                calls.close(s, inotify);
            }
            wake.close(s);
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
            LoopEntry e = t.entry;
            if (!e.removed && e.generation == t.generation) {
                recheck(e, false);
            }
        }
    }

    private void schedule(LoopEntry e, long at) {
        e.generation++;
        timers.add(new Timer(at, e, e.generation));
    }

    /** EPOLLERR on a write end: the last reader is gone, whatever the path shows by now. */
    private void died(LoopEntry e) {
        CallState s = calls.state();
        int death = Outcome.DEAD;
        if (calls.fstat(s, e.writeFd) == 0 && s.nlink() == 0) {
            death = Outcome.ABSENT; // removed before its holder let go: a clean close
        }
        closeWriteEnd(e);
        recheck(e, true, death);
    }

    private void recheck(LoopEntry e, boolean died) {
        recheck(e, died, Outcome.DEAD, false);
    }

    private void recheck(LoopEntry e, boolean died, int death) {
        recheck(e, died, death, false);
    }

    /**
     * Arms the watches first, then checks: an event after the arming cannot be missed, and one
     * before it is covered by the check.
     */
    private void recheck(LoopEntry e, boolean died, int death, boolean bornHeld) {
        CallState s = calls.state();
        watches.arm(s, e);
        platform.probe(e.path, outcome);
        boolean held = outcome.held();
        if (held && e.writeFd < 0) {
            int fd = calls.openWriter(s, e.path, false);
            if (fd < 0) {
                platform.probe(e.path, outcome); // it died between the two opens
                held = outcome.held();
            } else {
                e.writeFd = fd;
                register(fd, (long) e.id << 32 | fd, 0); // EPOLLERR is reported whatever is asked
            }
        }
        if (!held) {
            closeWriteEnd(e);
        }
        if (outcome.verdict == Outcome.ALIVE_PROMISED) {
            schedule(e, outcome.deadlineMillis + 1);
        } else if (!watches.directoryWatched(e)) {
            schedule(e, System.currentTimeMillis() + e.backoff); // no directory to watch: back off
            e.backoff = Math.min(MAX_BACKOFF_MILLIS, e.backoff * 2);
        }
        if (died && held) {
            report(e, news.verdict(death));
        }
        // A lifeline holder renames its FIFO into place only once it holds it: a rename seen
        // since the last look, with nobody holding now, was a holder that came and went between
        // two looks (a GC pause, a loaded machine). Say so rather than lose it. Two such
        // holders within one stall are reported as one: the Watcher's documented limit.
        if (bornHeld && !held && e.last != Outcome.ALIVE && e.last != Outcome.ALIVE_PROMISED && e.last != Outcome.HUNG) {
            report(e, news.alive());
        }
        report(e, outcome);
    }

    private void report(LoopEntry e, Outcome now) {
        int previous = e.last;
        int key = now.key();
        e.last = key;
        boolean aliveToAlive = (previous == Outcome.ALIVE || previous == Outcome.ALIVE_PROMISED)
                && (key == Outcome.ALIVE || key == Outcome.ALIVE_PROMISED);
        if (!aliveToAlive && previous != key) {
            try {
                sink.changed(e.id, now);
            } catch (RuntimeException listenerFailed) {
                // A listener's failure must not stop the loop that serves every other beacon.
                System.getLogger("dev.lifeline").log(System.Logger.Level.WARNING,
                        "lifeline: a watcher listener failed", listenerFailed);
            }
        }
    }

    private void closeWriteEnd(LoopEntry e) {
        if (e.writeFd >= 0) {
            CallState s = calls.state();
            calls.epollCtl(s, epfd, Abi.EPOLL_CTL_DEL, e.writeFd, null);
            fifos.closeFifo(s, e.writeFd);
            e.writeFd = -1;
        }
    }

    private void register(int fd, long data, int mask) {
        event.putInt(0, mask);
        event.putLong(Abi.EPOLL_DATA, data);
        int r = calls.epollCtl(calls.state(), epfd, Abi.EPOLL_CTL_ADD, fd, event);
        if (r < 0) {
            throw new IllegalStateException("epoll_ctl: " + Errno.describe(-r) + " (" + Errno.name(-r) + ")");
        }
    }
}
