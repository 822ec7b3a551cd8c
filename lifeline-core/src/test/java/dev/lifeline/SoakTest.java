package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Pool;
import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos with ground truth: holder processes start, beat, stall (SIGSTOP/SIGCONT), close, crash
 * ({@code Runtime.halt}) and die by SIGKILL at random, while probing threads and a {@link Watcher}
 * observe. Every verdict is compared with the truth of its moment.
 *
 * <p>The ground truth is kept by the test itself, because the test performs every action. Each
 * slot (one beacon path, one holder process at a time) has a history of epochs; each epoch has a
 * rule saying which states a check may answer during it. An action opens a transition epoch
 * before it starts (the union of the rules before and after) and closes it once its effect is
 * confirmed: the child's line, {@code waitFor()} for a death, every thread in state T for a stop.
 * A check records nanoTime and wall time before and after itself; its verdict is right if some
 * epoch overlapping that interval allows it (the verdict was true at some instant of the check).
 * A Watcher change is judged over the interval from its previous change on that path (its probe
 * runs after the previous change was delivered, on the same thread) to its own delivery.
 *
 * <p>HUNG is a rule of wall time. A holder told to {@code beat P} reports the wall clock before
 * and after the call, so its deadline lies in [before+P, after+P]: ALIVE is allowed while a
 * check's clock can still read at most the latest deadline, HUNG once it can read past the
 * earliest. A {@link Heartbeat} holder (promise P, beats every P/3) may be HUNG while running (a
 * late beat under load is a true HUNG); once every thread of it is confirmed stopped at wall time
 * S, its last deadline is at most S+P, so a check that starts after S+P must say HUNG.
 *
 * <p>Seeded: {@code -Dlifeline.soak.seed=N} replays each slot's sequence of actions (the
 * interleaving with the probes is the scheduler's). {@code -Dlifeline.soak.seconds=600} soaks
 * longer; the default fits CI.
 */
class SoakTest {
    private static final long SECONDS = Long.getLong("lifeline.soak.seconds", 100);
    private static final long SEED = Long.getLong("lifeline.soak.seed", System.nanoTime());
    private static final int PROBERS = 4;
    private static final long HEARTBEAT_PROMISE = 400;
    private static final Set<Status.State> HELD = EnumSet.of(Status.State.ALIVE, Status.State.HUNG);

    @TempDir
    Path dir;

    enum Kind { PLAIN, BEAT, HEARTBEAT }

    /** Which states a check overlapping an epoch may answer, given the wall-clock span of the check. */
    interface Rule {
        boolean allows(Status.State state, long wallFrom, long wallTo);

        /** The one state a check in [wallFrom, wallTo] must answer, or null if more than one fits. */
        Status.State only(long wallFrom, long wallTo);

        static Rule exactly(Status.State s) {
            return new Rule() {
                public boolean allows(Status.State state, long f, long t) {
                    return state == s;
                }

                public Status.State only(long f, long t) {
                    return s;
                }

                public String toString() {
                    return s.toString();
                }
            };
        }

        static Rule anyOf(Set<Status.State> states) {
            return new Rule() {
                public boolean allows(Status.State state, long f, long t) {
                    return states.contains(state);
                }

                public Status.State only(long f, long t) {
                    return null;
                }

                public String toString() {
                    return states.toString();
                }
            };
        }

        /** A holder whose deadline lies in [lo, hi]: ALIVE until it may have passed, HUNG once it surely has. */
        static Rule promised(long lo, long hi) {
            return new Rule() {
                public boolean allows(Status.State state, long f, long t) {
                    return state == Status.State.ALIVE && f <= hi || state == Status.State.HUNG && t > lo;
                }

                public Status.State only(long f, long t) {
                    boolean alive = f <= hi;
                    boolean hung = t > lo;
                    return alive && hung ? null : alive ? Status.State.ALIVE : Status.State.HUNG;
                }

                public String toString() {
                    return "promised[" + lo + ".." + hi + "]";
                }
            };
        }

        /** A stopped heartbeat holder, confirmed stopped at wall time {@code stopped}. */
        static Rule stalled(long stopped, long promise) {
            long latest = stopped + promise;
            return new Rule() {
                public boolean allows(Status.State state, long f, long t) {
                    return state == Status.State.HUNG || state == Status.State.ALIVE && f <= latest;
                }

                public Status.State only(long f, long t) {
                    return f > latest ? Status.State.HUNG : null;
                }

                public String toString() {
                    return "stalled-after-" + latest;
                }
            };
        }

        static Rule union(Rule a, Rule b) {
            return new Rule() {
                public boolean allows(Status.State state, long f, long t) {
                    return a.allows(state, f, t) || b.allows(state, f, t);
                }

                public Status.State only(long f, long t) {
                    Status.State x = a.only(f, t);
                    return x != null && x == b.only(f, t) ? x : null;
                }

                public String toString() {
                    return a + "|" + b;
                }
            };
        }
    }

    record Epoch(long from, long to, Rule rule) {
    }

    /** The history of one beacon path; appended only by its controller thread. */
    static final class Slot {
        final int index;
        final Path path;
        final Kind kind;
        final Probe probe;
        final List<Epoch> history = new CopyOnWriteArrayList<>();
        /** The open epoch: since when, and its rule; one volatile so readers see a consistent pair. */
        private volatile Epoch current = new Epoch(Long.MIN_VALUE, Long.MAX_VALUE, Rule.exactly(Status.State.ABSENT));

        Slot(int index, Path path, Kind kind) {
            this.index = index;
            this.path = path;
            this.kind = kind;
            this.probe = Probe.of(path);
        }

        Rule rule() {
            return current.rule;
        }

        /** The truth changes from here on. Closed epochs go to the history before the new one opens. */
        void become(Rule next) {
            long at = System.nanoTime();
            Epoch closing = current;
            history.add(new Epoch(closing.from, at, closing.rule));
            current = new Epoch(at, Long.MAX_VALUE, next);
        }

        /**
         * Rules of the epochs overlapping [from, to]. The open epoch is read first: if it closes
         * meanwhile it is also in the history, and a duplicate only makes a check count as not
         * judged, never as wrong.
         */
        List<Rule> rulesDuring(long from, long to) {
            Epoch open = current;
            List<Rule> rules = new ArrayList<>();
            for (Epoch e : history) {
                if (e.from <= to && e.to >= from && e.from != open.from) {
                    rules.add(e.rule);
                }
            }
            if (open.from <= to) {
                rules.add(open.rule);
            }
            return rules;
        }
    }

    /** One observation to judge. */
    record Observation(String by, Slot slot, Status status, long from, long to, long wallFrom, long wallTo) {
    }

    private final AtomicLong transitions = new AtomicLong();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    private long counted(String what) {
        AtomicLong n = counts.get(what);
        return n == null ? 0 : n.get();
    }

    @Test
    void everyVerdictMatchesTheTruthOfItsMoment() throws Exception {
        System.out.println("soak: seed " + SEED + " (-Dlifeline.soak.seed=" + SEED + "), " + SECONDS + " s");
        Kind[] kinds = {Kind.PLAIN, Kind.BEAT, Kind.HEARTBEAT, Kind.PLAIN, Kind.BEAT, Kind.HEARTBEAT};
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < kinds.length; i++) {
            slots.add(new Slot(i, dir.resolve("slot" + i), kinds[i]));
        }
        ConcurrentLinkedQueue<Observation> observations = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);

        // The watcher: each change is judged from the delivery of the previous one on that path.
        Map<Path, long[]> lastDelivery = new ConcurrentHashMap<>();
        Map<Path, Slot> byPath = new ConcurrentHashMap<>();
        slots.forEach(s -> byPath.put(s.path, s));
        Map<Path, Status.State> watcherLast = new ConcurrentHashMap<>();
        int descriptorsBefore = Processes.openDescriptors();
        try (Watcher watcher = Watcher.start(change -> {
            long nano = change.nanoTime();
            long wall = System.currentTimeMillis();
            long[] previous = lastDelivery.put(change.path(), new long[] {nano, wall});
            Slot slot = byPath.get(change.path());
            observations.add(new Observation("watcher", slot, change.status(), previous[0], nano, previous[1], wall));
            watcherLast.put(change.path(), change.status().state());
        }); Pool pool = Pool.fixed(PROBERS + slots.size())) {
            for (Slot slot : slots) {
                lastDelivery.put(slot.path, new long[] {System.nanoTime(), System.currentTimeMillis()});
                watcher.watch(slot.path);
            }
            List<Future<?>> probers = new ArrayList<>();
            for (int t = 0; t < PROBERS; t++) {
                probers.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    List<Probe> own = slots.stream().map(s -> Probe.of(s.path)).toList();
                    while (!done.get()) {
                        int i = random.nextInt(slots.size());
                        Slot slot = slots.get(i);
                        Probe probe = random.nextBoolean() ? slot.probe : own.get(i);
                        long from = System.nanoTime();
                        long wallFrom = System.currentTimeMillis();
                        Status status = probe.check();
                        long wallTo = System.currentTimeMillis();
                        long to = System.nanoTime();
                        observations.add(new Observation("probe", slot, status, from, to, wallFrom, wallTo));
                        LockSupport.parkNanos(random.nextLong(100_000, 1_000_000)); // workload pacing
                    }
                    return null;
                }));
            }
            List<Future<?>> controllers = new ArrayList<>();
            for (Slot slot : slots) {
                controllers.add(pool.submit(() -> {
                    control(slot, new Random(SEED + slot.index), end);
                    return null;
                }));
            }
            // Judge as we go, so that memory stays flat on long soaks.
            while (!controllers.stream().allMatch(Future::isDone)) {
                judge(observations, wrong);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // batching, not synchronisation
            }
            for (Future<?> c : controllers) {
                c.get();
            }
            done.set(true);
            for (Future<?> p : probers) {
                p.get();
            }
            // Every slot ends in a stable state; the watcher must converge to it.
            for (Slot slot : slots) {
                Status.State truth = slot.rule().only(0, 0);
                assertThat(truth).as("slot %d ends stable", slot.index).isIn(Status.State.ABSENT, Status.State.DEAD);
                Processes.await("the watcher's last word on " + slot.path, () -> watcherLast.get(slot.path),
                        s -> s == truth);
            }
            judge(observations, wrong);
        }
        assertThat(Processes.openDescriptors()).as("descriptors after the watcher closed").isEqualTo(descriptorsBefore);

        StringBuilder report = new StringBuilder("soak: seed ").append(SEED).append(", ").append(SECONDS).append(" s, ")
                .append(transitions.get()).append(" transitions, ");
        report.append(counted("checks")).append(" checks (").append(counted("judged")).append(" judged: ")
                .append(counted("judged ALIVE")).append(" ALIVE, ").append(counted("judged HUNG")).append(" HUNG, ")
                .append(counted("judged DEAD")).append(" DEAD, ").append(counted("judged ABSENT")).append(" ABSENT), ")
                .append(counted("watcher")).append(" watcher changes (").append(counted("watcher ALIVE")).append(" ALIVE, ")
                .append(counted("watcher HUNG")).append(" HUNG, ").append(counted("watcher DEAD")).append(" DEAD, ")
                .append(counted("watcher ABSENT")).append(" ABSENT), ")
                .append(wrong.size()).append(" wrong verdicts; counts ").append(new java.util.TreeMap<>(counts));
        System.out.println(report);
        assertThat(wrong).as("wrong verdicts, seed " + SEED).isEmpty();
        long scale = Math.max(1, SECONDS / 100);
        assertThat(counted("judged ALIVE")).as("checks that had to say ALIVE").isGreaterThan(1_000 * scale);
        assertThat(counted("judged DEAD")).as("checks that had to say DEAD").isGreaterThan(200 * scale);
        assertThat(counted("judged ABSENT")).as("checks that had to say ABSENT").isGreaterThan(200 * scale);
        assertThat(counted("judged HUNG")).as("checks that had to say HUNG").isGreaterThan(50 * scale);
        // A watcher change is judged over the span since its previous change, which always holds the
        // transition that caused it: the evidence is that every one fits, of every kind, and that
        // the watcher converges to the final truth (above).
        for (Status.State state : List.of(Status.State.ALIVE, Status.State.HUNG, Status.State.DEAD, Status.State.ABSENT)) {
            assertThat(counted("watcher " + state)).as("watcher changes to " + state).isGreaterThan(20 * scale);
        }
        assertThat(counted("action kill")).isPositive();
        assertThat(counted("action halt")).isPositive();
        assertThat(counted("action close")).isPositive();
        assertThat(counted("action stop")).isPositive();
        assertThat(counted("action beat")).isPositive();
    }

    private void judge(ConcurrentLinkedQueue<Observation> observations, ConcurrentLinkedQueue<String> wrong) {
        Observation next;
        while ((next = observations.poll()) != null) {
            Observation o = next;
            boolean watcher = o.by.equals("watcher");
            count(watcher ? "watcher" : "checks");
            if (watcher) {
                count("watcher " + o.status.state());
            }
            Status.State s = o.status.state();
            List<Rule> rules = o.slot.rulesDuring(o.from, o.to);
            boolean allowed = rules.stream().anyMatch(r -> r.allows(s, o.wallFrom, o.wallTo));
            if (!allowed) {
                String message = o.by + " on slot " + o.slot.index + " (" + o.slot.kind + ") said " + o.status + " while truth was "
                        + rules + " (wall " + o.wallFrom + ".." + o.wallTo + ")";
                wrong.add(message);
                System.out.println("soak: WRONG " + message);
            }
            if (rules.size() == 1) {
                Status.State only = rules.get(0).only(o.wallFrom, o.wallTo);
                if (only != null) {
                    if (!watcher) {
                        count("judged");
                        count("judged " + only);
                    }
                }
            }
        }
    }

    // -- The controller of one slot: performs every action and records the truth around it --

    private void control(Slot slot, Random random, long end) throws Exception {
        Running child = null;
        boolean stopped = false;
        Rule heldRule = null; // the rule while held and running
        try {
            while (System.nanoTime() < end) {
                pause(random, stopped ? 1_200 : 300);
                if (child == null) {
                    Status.State before = slot.rule().only(0, 0);
                    if (before == Status.State.DEAD && random.nextInt(4) == 0) {
                        // An operator removes the stale FIFO.
                        slot.become(Rule.union(Rule.exactly(Status.State.DEAD), Rule.exactly(Status.State.ABSENT)));
                        Files.delete(slot.path);
                        slot.become(Rule.exactly(Status.State.ABSENT));
                        act("remove");
                        continue;
                    }
                    heldRule = slot.kind == Kind.HEARTBEAT ? Rule.anyOf(HELD) : Rule.exactly(Status.State.ALIVE);
                    slot.become(Rule.union(slot.rule(), heldRule));
                    String kind = switch (slot.kind) {
                        case PLAIN -> "plain";
                        case BEAT -> "beat";
                        case HEARTBEAT -> "heartbeat:" + HEARTBEAT_PROMISE;
                    };
                    child = Processes.start("soak", slot.path.toString(), kind);
                    String line = child.nextLine();
                    assertThat(line).as("slot %d start", slot.index).isEqualTo("held");
                    slot.become(heldRule);
                    act("start");
                    continue;
                }
                int dice = random.nextInt(100);
                if (stopped) {
                    if (dice < 70) {
                        // SIGCONT: from the moment it is sent the holder may beat again.
                        slot.become(slot.kind == Kind.HEARTBEAT ? heldRule : slot.rule());
                        signal(child, "CONT");
                        stopped = false;
                        act("cont");
                    } else {
                        kill(slot, child);
                        child = null;
                        stopped = false;
                    }
                    continue;
                }
                if (slot.kind == Kind.BEAT && dice < 35) {
                    long promise = 20 + random.nextInt(500);
                    // In flight: the old rule, or the new promise, whose deadline is at least now + promise.
                    slot.become(Rule.union(slot.rule(), Rule.promised(System.currentTimeMillis() + promise, Long.MAX_VALUE)));
                    send(child, "beat " + promise);
                    String[] beat = child.nextLine().split(" ");
                    assertThat(beat[0]).isEqualTo("beat");
                    heldRule = Rule.promised(Long.parseLong(beat[1]) + promise, Long.parseLong(beat[2]) + promise);
                    slot.become(heldRule);
                    act("beat");
                } else if (dice < 55) {
                    // SIGSTOP, confirmed once every thread of the child is stopped.
                    signal(child, "STOP");
                    awaitStopped(child.process().pid());
                    long at = System.currentTimeMillis();
                    if (slot.kind == Kind.HEARTBEAT) {
                        slot.become(Rule.stalled(at, HEARTBEAT_PROMISE));
                    }
                    stopped = true;
                    act("stop");
                } else if (dice < 67) {
                    kill(slot, child);
                    child = null;
                } else if (dice < 79) {
                    slot.become(Rule.union(slot.rule(), Rule.exactly(Status.State.DEAD)));
                    send(child, "halt");
                    assertThat(child.process().waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
                    assertThat(child.process().exitValue()).isEqualTo(7);
                    slot.become(Rule.exactly(Status.State.DEAD));
                    child = null;
                    act("halt");
                } else if (dice < 91) {
                    slot.become(Rule.union(slot.rule(), Rule.exactly(Status.State.ABSENT)));
                    assertThat(child.finish()).as("clean exit").isZero();
                    assertThat(child.nextLine()).isEqualTo("closed");
                    slot.become(Rule.exactly(Status.State.ABSENT));
                    child = null;
                    act("close");
                }
                // else: let time pass (a promise may lapse)
            }
            if (child != null) {
                if (stopped) {
                    signal(child, "CONT");
                    slot.become(slot.kind == Kind.HEARTBEAT ? heldRule : slot.rule());
                }
                kill(slot, child);
                child = null;
            }
        } finally {
            if (child != null) {
                child.close();
            }
        }
        assertThat(Files.exists(slot.path, LinkOption.NOFOLLOW_LINKS) ? Status.State.DEAD : Status.State.ABSENT)
                .isEqualTo(slot.rule().only(0, 0));
    }

    private void act(String what) {
        transitions.incrementAndGet();
        count("action " + what);
    }

    private void kill(Slot slot, Running child) throws InterruptedException {
        slot.become(Rule.union(slot.rule(), Rule.exactly(Status.State.DEAD)));
        child.kill9();
        slot.become(Rule.exactly(Status.State.DEAD));
        act("kill");
    }

    private static void pause(Random random, int maxMillis) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(maxMillis))); // workload, not a wait
    }

    private static void send(Running child, String line) throws IOException {
        OutputStream in = child.process().getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static void signal(Running child, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.process().pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal).isZero();
    }

    /** Polls until every thread of {@code pid} is in state T (stopped); bounded. */
    private static void awaitStopped(long pid) {
        Processes.await("every thread of " + pid + " stopped", () -> threadStates(pid),
                states -> !states.isEmpty() && states.chars().allMatch(c -> c == 'T' || c == 't'));
    }

    private static String threadStates(long pid) {
        StringBuilder states = new StringBuilder();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    states.append(stat.charAt(stat.lastIndexOf(')') + 2));
                } catch (IOException threadGone) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException e) {
            return "";
        }
        return states.toString();
    }
}
