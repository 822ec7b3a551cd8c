package dev.lifeline.bench;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.Watcher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code WatcherScale OUT.tsv IDLE_SECONDS SAMPLES COUNT...}: one {@link Watcher} following COUNT
 * beacons held by a child process ({@link Daemon} holdmany), for each COUNT. Measures:
 *
 * <ul>
 * <li>death latency: the child closes SAMPLES beacons one at a time (spread over the set), taking
 *     CLOCK_MONOTONIC just before each close; the watcher's own timestamp of the DEAD report
 *     minus that;
 * <li>heap per beacon: used heap after full GCs, with the watcher following them, minus before,
 *     over COUNT;
 * <li>CPU while idle: this whole process's utime+stime from /proc/self/stat over IDLE_SECONDS
 *     with nothing changing; the first row (COUNT 0, no watcher) is the JVM's own idle floor;
 * <li>a sweep: list the directory and check every beacon with a fresh {@link Probe}, as a
 *     {@code status} over the directory would.
 * </ul>
 * Writes {@code count samples p50 p90 p99 max(us) heapBytesPerBeacon idleCpuPercent sweepMillis} rows.
 */
public final class WatcherScale {
    private static final long DEADLINE_SECONDS = 60;

    private WatcherScale() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        double idleSeconds = Double.parseDouble(args[1]);
        int samples = Integer.parseInt(args[2]);
        long ticksPerSecond = clockTicks();
        StringBuilder tsv = new StringBuilder();
        tsv.append(String.format(Locale.ROOT, "0\t-\t-\t-\t-\t-\t-\t%.2f\t-%n", idleCpuPercent(idleSeconds, ticksPerSecond)));
        for (int a = 3; a < args.length; a++) {
            int count = Integer.parseInt(args[a]);
            String row = measure(count, Math.min(samples, count), idleSeconds, ticksPerSecond);
            tsv.append(row).append('\n');
            System.out.println(row);
        }
        Files.writeString(out, tsv, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static String measure(int count, int samples, double idleSeconds, long ticksPerSecond) throws Exception {
        Path dir = Files.createTempDirectory("lifeline-scale");
        Process child = ServedDaemon.javaProcess(Daemon.class, "holdmany", dir.toString(), String.valueOf(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        Writer childIn = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        try {
            expect(childOut.readLine(), "held");
            List<Path> paths = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                paths.add(dir.resolve("b" + i));
            }
            ConcurrentHashMap<Path, LinkedBlockingQueue<Watcher.Change>> later = new ConcurrentHashMap<>();
            CountDownLatch firstReports = new CountDownLatch(count);
            long heapBefore = usedHeapAfterGc();
            Watcher watcher = Watcher.start(change -> {
                if (change.previous().isEmpty()) {
                    if (change.status().state() == Status.State.ALIVE) {
                        firstReports.countDown();
                    }
                } else {
                    later.computeIfAbsent(change.path(), p -> new LinkedBlockingQueue<>()).add(change);
                }
            });
            try {
                for (Path p : paths) {
                    watcher.watch(p);
                }
                if (!firstReports.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(firstReports.getCount() + " of " + count + " beacons never reported ALIVE");
                }
                long heapPerBeacon = (usedHeapAfterGc() - heapBefore) / count;
                double idle = idleCpuPercent(idleSeconds, ticksPerSecond);

                long[] nanos = new long[samples];
                for (int s = 0; s < samples; s++) {
                    int i = (int) ((long) s * count / samples);
                    childIn.write("close " + i + "\n");
                    childIn.flush();
                    String[] closed = childOut.readLine().split(" ");
                    expect(closed[0] + " " + closed[1], "closed " + i);
                    long before = Long.parseLong(closed[2]);
                    Watcher.Change c = later.computeIfAbsent(paths.get(i), p -> new LinkedBlockingQueue<>())
                            .poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
                    if (c == null || c.status().state() != Status.State.DEAD) {
                        throw new IllegalStateException("beacon " + i + ": expected DEAD, watcher said " + c);
                    }
                    nanos[s] = c.nanoTime() - before;
                }
                double sweepMillis = sweep(dir, count - samples);
                // count, then samples p50 p90 p99 max (Percentiles.row), then the rest
                return String.format(Locale.ROOT, "%d\t%s\t%d\t%.2f\t%.1f", count, new Percentiles(nanos).row(),
                        heapPerBeacon, idle, sweepMillis);
            } finally {
                watcher.close();
            }
        } finally {
            childIn.close();
            if (!child.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** Lists {@code dir} and checks each entry with a new Probe; returns the wall time in ms. */
    private static double sweep(Path dir, int expectAlive) throws IOException {
        long start = System.nanoTime();
        int alive = 0;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (Probe.of(p).check().isAlive()) {
                    alive++;
                }
            }
        }
        double millis = (System.nanoTime() - start) / 1e6;
        if (alive != expectAlive) {
            throw new IllegalStateException("sweep found " + alive + " alive, expected " + expectAlive);
        }
        return millis;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** CPU this process used while idle, as a percentage of one core. */
    private static double idleCpuPercent(double seconds, long ticksPerSecond) throws Exception {
        long before = cpuTicks();
        long start = System.nanoTime();
        Thread.sleep((long) (seconds * 1000)); // the interval measured, not a synchronisation
        long ticks = cpuTicks() - before;
        double wall = (System.nanoTime() - start) / 1e9;
        return 100.0 * ticks / ticksPerSecond / wall;
    }

    /** utime + stime of this process, in clock ticks, from /proc/self/stat. */
    static long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        // Fields after the command name, which is in parentheses and may hold spaces.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime (14th), stime (15th)
    }

    private static long clockTicks() throws Exception {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        p.waitFor();
        return Long.parseLong(out);
    }

    private static void expect(String line, String expected) {
        if (!expected.equals(line)) {
            throw new IllegalStateException("child said " + line + ", expected " + expected);
        }
    }
}
