package dev.lifeline.bench;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.Watcher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code DeathLatency OUT.tsv RUNS ONEXIT_RUNS C_HOLDER}: from SIGKILL of a holder to the moment
 * each observer knows, for lifeline's {@code onDeath}, a {@link Watcher}, and
 * {@code ProcessHandle.onExit()}. Two holders: a JVM holding a beacon ({@link Daemon} park), the
 * realistic daemon, whose death the kernel completes only after tearing down its address space
 * and threads; and C_HOLDER (bench/c/holder.c), a tiny process, whose death is near-instant, so
 * that its figures time the notice itself. Each holder is started by {@code sh -c '... &'} so that
 * it is not this JVM's child: onExit cannot wait for it and must poll, as it would for any daemon
 * a checker did not start.
 *
 * <p>Each run: start a holder, wait (inotify, {@link Probe#awaitAlive}) until it holds its beacon
 * and then until it has gone quiet (no CPU time used over 100 ms), arm one observer, take the time, send SIGKILL, and take the time again in the observer's own
 * completion. One observer per run, so that observers never compete for the 2 cores. Appends
 * {@code kind n p50 p90 p99 max} (microseconds) per observer and holder to OUT.
 */
public final class DeathLatency {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private DeathLatency() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        int onExitRuns = Integer.parseInt(args[2]);
        List<String> small = List.of(args[3]);
        List<String> jvm = ServedDaemon.javaProcess(Daemon.class, "park").command();
        Path dir = Files.createTempDirectory("lifeline-death");
        StringBuilder tsv = new StringBuilder();
        tsv.append(row("onDeath, C holder", measure(dir, small, "onDeath", runs)));
        tsv.append(row("Watcher, C holder", measure(dir, small, "watcher", runs)));
        tsv.append(row("onDeath, JVM holder", measure(dir, jvm, "onDeath", runs)));
        tsv.append(row("Watcher, JVM holder", measure(dir, jvm, "watcher", runs)));
        tsv.append(row("ProcessHandle.onExit, JVM holder", measure(dir, jvm, "onExit", onExitRuns)));
        Files.writeString(out, tsv, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        System.out.print(tsv);
    }

    private static String row(String kind, Percentiles p) {
        return kind + "\t" + p.row() + "\n";
    }

    private static Percentiles measure(Path dir, List<String> holder, String kind, int runs) throws Exception {
        long[] nanos = new long[runs];
        LinkedBlockingQueue<Watcher.Change> changes = new LinkedBlockingQueue<>();
        try (Watcher watcher = Watcher.start(changes::add)) {
            for (int i = 0; i < runs; i++) {
                Path path = dir.resolve(kind + i);
                long pid = startGrandchild(holder, path);
                try {
                    Probe probe = Probe.of(path);
                    Status held = probe.awaitAlive(DEADLINE);
                    if (!held.isAlive()) {
                        throw new IllegalStateException("holder " + pid + " never held " + path + ": " + held);
                    }
                    settle(pid);
                    ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
                    CompletableFuture<Long> seen;
                    switch (kind) {
                        case "onDeath" -> seen = probe.onDeath().thenApply(s -> {
                            long now = System.nanoTime();
                            requireDead(s);
                            return now;
                        });
                        case "onExit" -> seen = handle.onExit().thenApply(h -> System.nanoTime());
                        case "watcher" -> {
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
                        }
                        default -> throw new IllegalArgumentException(kind);
                    }
                    long killed = System.nanoTime();
                    if (!handle.destroyForcibly()) { // kill(pid, SIGKILL)
                        throw new IllegalStateException("could not send SIGKILL to " + pid);
                    }
                    nanos[i] = seen.get(DEADLINE.toSeconds(), TimeUnit.SECONDS) - killed;
                    if (kind.equals("watcher")) {
                        watcher.unwatch(path);
                    }
                } finally {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    Files.deleteIfExists(path);
                }
            }
        }
        return new Percentiles(nanos);
    }

    /**
     * Waits until the holder has finished starting up: its CPU time (utime+stime) unchanged over
     * 100 ms, polled under a deadline. A daemon is killed in its steady state, not while its JVM
     * is still compiling its start-up code.
     */
    private static void settle(long pid) throws Exception {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            String text = Files.readString(stat);
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (ticks == last) {
                return;
            }
            last = ticks;
            Thread.sleep(100); // the quiet interval itself, polled under the deadline
        }
        throw new IllegalStateException("holder " + pid + " never went quiet within " + DEADLINE);
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

    /** Starts a holder of {@code path} through {@code sh -c '... &'}; returns its pid. */
    private static long startGrandchild(List<String> holder, Path path) throws IOException, InterruptedException {
        String command = Stream.concat(holder.stream(), Stream.of(path.toString()))
                .map(DeathLatency::quote).collect(Collectors.joining(" "));
        Process sh = new ProcessBuilder("sh", "-c", command + " </dev/null >/dev/null 2>&1 & echo $!")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(sh.getInputStream(), StandardCharsets.UTF_8))) {
            line = r.readLine();
        }
        if (!sh.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS) || line == null) {
            throw new IllegalStateException("sh did not start the holder");
        }
        return Long.parseLong(line.trim());
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
