package dev.lifeline.bench;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.Watcher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code DeathLatency OUT.tsv C_RUNS JVM_RUNS ONEXIT_RUNS REAPER C_HOLDER}: from SIGKILL of a
 * holder to the moment each observer knows, for lifeline's {@code onDeath}, a {@link Watcher}, and
 * {@code ProcessHandle.onExit()}; and, in the same kills, to the moment the kernel tells the
 * holder's parent (REAPER, bench/c/reaper.c: its waitpid returning), the best placed of the
 * observers the kernel tells of a death as such, told after the holder's descriptors are closed.
 *
 * <p>Two holders: C_HOLDER (bench/c/holder.c), a tiny process whose death is near-instant, so that
 * its figures time the notice itself; and a JVM holding a beacon ({@link Daemon} park), the
 * realistic daemon, whose death the kernel completes only after tearing down its address space and
 * threads. Each holder is REAPER's child, not this JVM's: onExit cannot wait for it and must poll,
 * as it would for any daemon a checker did not start.
 *
 * <p>Each kill: start REAPER with a holder, wait (inotify, {@link Probe#awaitAlive}) until the
 * holder holds its beacon and then until it is quiet (the C holder asleep; the JVM using no CPU
 * time over 100 ms) and REAPER is asleep in waitpid; arm one lifeline observer and wait until its
 * thread is asleep in the kernel (poll or epoll_wait), as a watcher armed long before a death
 * would be; take the time, send SIGKILL, and take the time again in the observer's own completion.
 * One lifeline observer per kill, so that observers never compete for the 2 cores beyond the
 * reaper, which only stamps a time.
 *
 * <p>Writes one line per kill, {@code observer holder observerNanos kernelNanos}, both times from
 * the kill (System.nanoTime and the reaper's stamp read the same CLOCK_MONOTONIC), after comment
 * lines ({@code #}) saying how observers were known to be armed. Prints percentiles to stdout and
 * each row's duration to stderr.
 */
public final class DeathLatency {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String C_HOLDER = "C holder";
    static final String JVM_HOLDER = "JVM holder";

    /** One kill: nanoseconds from the kill to the observer knowing, and to the parent's waitpid. */
    record Kill(String observer, String holder, long observerNanos, long kernelNanos) {
        String line() {
            return observer + "\t" + holder + "\t" + observerNanos + "\t" + kernelNanos + "\n";
        }
    }

    private DeathLatency() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int cRuns = Integer.parseInt(args[1]);
        int jvmRuns = Integer.parseInt(args[2]);
        int onExitRuns = Integer.parseInt(args[3]);
        String reaper = args[4];
        List<String> small = List.of(args[5]);
        List<String> jvm = ServedDaemon.javaProcess(Daemon.class, "park").command();
        boolean wchan = Armed.wchanReadable();
        Path dir = Files.createTempDirectory("lifeline-death");
        List<Kill> kills = new ArrayList<>();
        try {
            kills.addAll(measure(dir, reaper, small, C_HOLDER, "onDeath", cRuns, wchan));
            kills.addAll(measure(dir, reaper, small, C_HOLDER, "Watcher", cRuns, wchan));
            kills.addAll(measure(dir, reaper, jvm, JVM_HOLDER, "onDeath", jvmRuns, wchan));
            kills.addAll(measure(dir, reaper, jvm, JVM_HOLDER, "Watcher", jvmRuns, wchan));
            kills.addAll(measure(dir, reaper, jvm, JVM_HOLDER, "ProcessHandle.onExit", onExitRuns, wchan));
        } finally {
            Files.deleteIfExists(dir);
        }
        StringBuilder tsv = new StringBuilder();
        tsv.append("# observer\tholder\tobserver_ns\tkernel_ns (from SIGKILL; kernel: the holder's parent's waitpid)\n");
        tsv.append(wchan
                ? "# armed: its thread seen asleep in poll or epoll_wait (the wchan of /proc) before each kill\n"
                : "# armed: a fixed " + Armed.FALLBACK_MILLIS + " ms allowed for it (the wchan of /proc unreadable here)\n");
        kills.forEach(k -> tsv.append(k.line()));
        Files.writeString(out, tsv, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static List<Kill> measure(Path dir, String reaper, List<String> holder, String holderName, String observer,
            int runs, boolean wchan) throws Exception {
        long start = System.nanoTime();
        List<Kill> kills = new ArrayList<>(runs);
        LinkedBlockingQueue<Watcher.Change> changes = new LinkedBlockingQueue<>();
        try (Watcher watcher = Watcher.start(changes::add)) {
            for (int i = 0; i < runs; i++) {
                Path path = dir.resolve("beacon" + i);
                List<String> command = new ArrayList<>();
                command.add(reaper);
                command.addAll(holder);
                command.add(path.toString());
                Process parent = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                BufferedReader said = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
                long pid = -1;
                try {
                    pid = Long.parseLong(expect(said, "pid "));
                    Probe probe = Probe.of(path);
                    Status held = probe.awaitAlive(DEADLINE);
                    if (!held.isAlive()) {
                        throw new IllegalStateException("holder " + pid + " never held " + path + ": " + held);
                    }
                    if (holderName.equals(C_HOLDER)) {
                        asleep(pid);
                    } else {
                        settle(pid);
                    }
                    asleep(parent.pid()); // in waitpid
                    ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
                    CompletableFuture<Long> seen;
                    switch (observer) {
                        case "onDeath" -> {
                            seen = probe.onDeath().thenApply(s -> {
                                long now = System.nanoTime();
                                requireDead(s);
                                return now;
                            });
                            Armed.await("lifeline-wait", wchan);
                        }
                        case "ProcessHandle.onExit" -> seen = handle.onExit().thenApply(h -> System.nanoTime());
                        case "Watcher" -> {
                            watcher.watch(path);
                            Watcher.Change first = take(changes);
                            if (first.status().state() != Status.State.ALIVE) {
                                throw new IllegalStateException("watcher's first report: " + first);
                            }
                            seen = CompletableFuture.supplyAsync(() -> {
                                try {
                                    Watcher.Change c = take(changes);
                                    requireDead(c.status());
                                    return c.nanoTime();
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
                            Armed.await("lifeline-watch", wchan); // comm keeps 15 characters of "lifeline-watcher"
                        }
                        default -> throw new IllegalArgumentException(observer);
                    }
                    long killed = System.nanoTime();
                    if (!handle.destroyForcibly()) { // kill(pid, SIGKILL)
                        throw new IllegalStateException("could not send SIGKILL to " + pid);
                    }
                    long observed = seen.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                    String[] reaped = expect(said, "reaped ").split(" ");
                    if (!reaped[1].equals("9")) {
                        throw new IllegalStateException("holder " + pid + " ended by signal " + reaped[1] + ", not SIGKILL");
                    }
                    kills.add(new Kill(observer, holderName, observed - killed, Long.parseLong(reaped[0]) - killed));
                    if (observer.equals("Watcher")) {
                        watcher.unwatch(path);
                    }
                } finally {
                    if (pid > 0) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    }
                    parent.getOutputStream().close(); // the reaper exits once its input ends
                    if (!parent.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                        parent.destroyForcibly();
                    }
                    Files.deleteIfExists(path);
                }
            }
        }
        long[] observed = kills.stream().mapToLong(Kill::observerNanos).toArray();
        long[] kernel = kills.stream().mapToLong(Kill::kernelNanos).toArray();
        String name = observer + ", " + holderName;
        System.out.println(name + "\t" + new Percentiles(observed).row());
        System.out.println("  parent's waitpid, same kills\t" + new Percentiles(kernel).row());
        System.err.printf(Locale.ROOT, "%s: %d kills in %.1f s%n", name, runs, (System.nanoTime() - start) / 1e9);
        return kills;
    }

    /** The rest of the next line of {@code in}, which must start with {@code prefix}. */
    private static String expect(BufferedReader in, String prefix) throws IOException {
        String line = in.readLine();
        if (line == null || !line.startsWith(prefix)) {
            throw new IllegalStateException("the reaper said " + line + ", expected " + prefix.trim());
        }
        return line.substring(prefix.length());
    }

    /**
     * Waits until the holder has finished starting up: its CPU time (utime+stime) unchanged over
     * 100 ms, polled under a deadline. A daemon is killed in its steady state, not while its JVM
     * is still compiling its start-up code.
     */
    private static void settle(long pid) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            String[] f = stat(Path.of("/proc", String.valueOf(pid), "stat"));
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (ticks == last) {
                return;
            }
            last = ticks;
            Thread.sleep(100); // the quiet interval itself, polled under the deadline
        }
        throw new IllegalStateException("holder " + pid + " never went quiet within " + DEADLINE);
    }

    /**
     * Waits until a single-threaded process is asleep (state S): the C holder in pause(), the
     * reaper in waitpid. Neither sleeps anywhere else once started (their writes go to /dev/null or
     * to a pipe with room), so asleep is quiet, and is known within a millisecond, not 100 ms.
     */
    private static void asleep(long pid) throws Exception {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (stat(stat)[0].equals("S")) {
                return;
            }
            LockSupport.parkNanos(200_000);
        }
        throw new IllegalStateException("process " + pid + " never went to sleep within " + DEADLINE);
    }

    /** The fields of a /proc stat file after the command name, from the state on. */
    private static String[] stat(Path file) throws IOException {
        String text = Files.readString(file);
        return text.substring(text.lastIndexOf(')') + 2).split(" ");
    }

    /**
     * Knowing that an observer is armed: its thread asleep in poll or epoll_wait, as /proc's
     * wchan (the kernel function a task sleeps in) says. An observer is armed long before a real
     * death; a kill sent while its thread was still on the way to the kernel would time the
     * arming, not the notice.
     */
    static final class Armed {
        static final long FALLBACK_MILLIS = 10;

        private Armed() {
        }

        /** Whether wchan names functions here: some thread of a JVM is always asleep somewhere. */
        static boolean wchanReadable() throws IOException {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                return tasks.map(t -> read(t.resolve("wchan"))).anyMatch(w -> !w.isEmpty() && !w.equals("0"));
            }
        }

        /** Waits until a thread whose name starts with {@code prefix} is asleep in a poll of some kind. */
        static void await(String prefix, boolean wchan) throws Exception {
            if (!wchan) {
                Thread.sleep(FALLBACK_MILLIS);
                return;
            }
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                    if (tasks.anyMatch(t -> read(t.resolve("comm")).startsWith(prefix)
                            && read(t.resolve("wchan")).contains("poll"))) {
                        return;
                    }
                }
                LockSupport.parkNanos(100_000);
            }
            throw new IllegalStateException("no thread " + prefix + "* asleep in poll within " + DEADLINE);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file).strip();
            } catch (NoSuchFileException gone) {
                return ""; // a thread that ended while we looked
            } catch (IOException e) {
                return "";
            }
        }
    }

    private static void requireDead(Status s) {
        if (s.state() != Status.State.DEAD) {
            throw new IllegalStateException("expected DEAD after SIGKILL, got " + s);
        }
    }

    private static Watcher.Change take(LinkedBlockingQueue<Watcher.Change> changes) throws InterruptedException {
        Watcher.Change c = changes.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        if (c == null) {
            throw new IllegalStateException("the watcher reported nothing within " + DEADLINE);
        }
        return c;
    }
}
