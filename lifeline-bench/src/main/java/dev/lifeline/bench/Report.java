package dev.lifeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code Report DIR}: turns what bench/run.sh left in DIR into {@code report.md} and
 * {@code chart.svg}. Reads, each written by one step of the script: {@code machine.txt},
 * {@code c-loop.txt}, {@code jmh.csv}, {@code strace/KIND-N.txt}, {@code cli.csv} (hyperfine),
 * {@code death-kills.tsv} (one line per kill), {@code scale.tsv}, {@code stack.txt}. Every figure in
 * the report comes from those files; a missing file or figure is an error, not an empty section.
 */
public final class Report {
    /** Display names, in report order; lifeline first. */
    static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("lifelineLive", "lifeline check, live");
        NAMES.put("lifelineDead", "lifeline check, dead");
        NAMES.put("lifelineLive2Threads", "lifeline check, live, 2 threads");
        NAMES.put("lifelineDead2Threads", "lifeline check, dead, 2 threads");
        NAMES.put("pidFileVerified", "PID file + ProcessHandle start time");
        NAMES.put("processHandleIsAlive", "ProcessHandle.isAlive (known PID)");
        NAMES.put("unixSocketConnect", "Unix socket connect");
        NAMES.put("tcpConnect", "TCP connect, 127.0.0.1");
        NAMES.put("lockFileTryLock", "lock file: open + tryLock");
        NAMES.put("lockFileTryLockOpenOnce", "lock file: tryLock, channel kept open");
    }

    private final Path dir;
    final Map<String, String> machine;
    final Map<String, Double> cLoop;
    final Map<String, double[]> jmh; // name -> {score ns/op, error, alloc B/op}
    final Map<String, Map<String, Double>> syscalls; // kind -> syscall -> per check
    final List<String[]> cli; // name, mean ms, stddev ms, min ms, max ms
    /** The kills of death-kills.tsv, grouped "observer, holder" in the order measured. */
    final Map<String, List<DeathLatency.Kill>> kills;
    /** death-kills.tsv's comment on how observers were known to be armed. */
    final String armed;
    final List<String[]> scale;

    Report(Path dir) throws IOException {
        this.dir = dir;
        this.machine = keyValues(dir.resolve("machine.txt"), ":");
        this.cLoop = new LinkedHashMap<>();
        keyValues(dir.resolve("c-loop.txt"), " ").forEach((k, v) -> cLoop.put(k, Double.parseDouble(v)));
        this.jmh = readJmh(dir.resolve("jmh.csv"));
        this.syscalls = readStrace(dir.resolve("strace"));
        this.cli = readCli(dir.resolve("cli.csv"));
        this.kills = new LinkedHashMap<>();
        String armedLine = null;
        for (String line : Files.readAllLines(dir.resolve("death-kills.tsv"))) {
            if (line.startsWith("# armed: ")) {
                armedLine = line.substring("# armed: ".length());
            } else if (!line.isBlank() && !line.startsWith("#")) {
                String[] f = line.split("\t");
                kills.computeIfAbsent(f[0] + ", " + f[1], k -> new ArrayList<>())
                        .add(new DeathLatency.Kill(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3])));
            }
        }
        this.armed = armedLine;
        this.scale = tsv(dir.resolve("scale.tsv"));
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Report r = new Report(dir);
        Files.writeString(dir.resolve("report.md"), r.markdown());
        Files.writeString(dir.resolve("chart.svg"), r.svg());
        System.out.println(r.targets());
    }

    // -- Reading --

    static Map<String, String> keyValues(Path file, String separator) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int i = line.indexOf(separator);
            if (i > 0) {
                map.put(line.substring(0, i).trim(), line.substring(i + separator.length()).trim());
            }
        }
        return map;
    }

    static List<String[]> tsv(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                rows.add(line.split("\t"));
            }
        }
        return rows;
    }

    static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        fields.add(f.toString());
        return fields;
    }

    static Map<String, double[]> readJmh(Path file) throws IOException {
        Map<String, double[]> map = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = csvFields(line);
            // "pkg.Class.method" or "pkg.Class.method:gc.alloc.rate.norm": the colon first, then the dot.
            String bench = f.get(0);
            String secondary = null;
            int colon = bench.indexOf(':');
            if (colon > 0) {
                secondary = bench.substring(colon + 1);
                bench = bench.substring(0, colon);
            }
            bench = bench.substring(bench.lastIndexOf('.') + 1);
            double score = Double.parseDouble(f.get(4));
            double error = f.get(5).isEmpty() || f.get(5).equals("NaN") ? Double.NaN : Double.parseDouble(f.get(5));
            double[] v = map.computeIfAbsent(bench, b -> new double[] {Double.NaN, Double.NaN, Double.NaN});
            if (secondary == null) {
                v[0] = score;
                v[1] = error;
            } else if (secondary.equals("gc.alloc.rate.norm")) {
                v[2] = score;
            }
        }
        return map;
    }

    private static final Pattern STRACE_FILE = Pattern.compile("(\\w+)-(\\d+)\\.txt");

    /** Per kind, system calls per check: (calls at N2 - calls at N1) / (N2 - N1). */
    static Map<String, Map<String, Double>> readStrace(Path dir) throws IOException {
        Map<String, TreeMap<Integer, Map<String, Long>>> runs = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                Matcher m = STRACE_FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    runs.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), straceCounts(p));
                }
            }
        }
        Map<String, Map<String, Double>> perCheck = new LinkedHashMap<>();
        for (var e : runs.entrySet()) {
            if (e.getValue().size() < 2) {
                throw new IllegalStateException("strace: need two runs of " + e.getKey());
            }
            int n1 = e.getValue().firstKey();
            int n2 = e.getValue().lastKey();
            Map<String, Long> a = e.getValue().get(n1);
            Map<String, Long> b = e.getValue().get(n2);
            Map<String, Double> calls = new TreeMap<>();
            for (String name : b.keySet()) {
                double d = (b.get(name) - a.getOrDefault(name, 0L)) / (double) (n2 - n1);
                if (d >= 0.05) {
                    calls.put(name, d);
                }
            }
            perCheck.put(e.getKey(), calls);
        }
        return perCheck;
    }

    /** syscall -> calls, from the table {@code strace -c} prints. */
    static Map<String, Long> straceCounts(Path file) throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] t = line.trim().split("\\s+");
            if (t.length < 5 || !t[0].matches("[0-9.]+") || t[t.length - 1].equals("total")) {
                continue;
            }
            counts.merge(t[t.length - 1], Long.parseLong(t[3]), Long::sum);
        }
        return counts;
    }

    static List<String[]> readCli(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = csvFields(line);
            // command,mean,stddev,median,user,system,min,max (seconds)
            rows.add(new String[] {f.get(0), ms(f.get(1)), ms(f.get(2)), ms(f.get(3)), ms(f.get(4)), ms(f.get(5))});
        }
        return rows;
    }

    private static String ms(String seconds) {
        return String.format(Locale.ROOT, "%.1f", Double.parseDouble(seconds) * 1000);
    }

    // -- Figures --

    double score(String bench) {
        double[] v = jmh.get(bench);
        if (v == null) {
            throw new IllegalStateException("jmh.csv has no result for " + bench);
        }
        return v[0];
    }

    double alloc(String bench) {
        return jmh.get(bench)[2];
    }

    /** A figure of the C loops: live, dead, unix-connect, unix-connect-jdk, unix-connect-c-listener. */
    double cLoop(String mode) {
        Double v = cLoop.get(mode);
        if (v == null) {
            throw new IllegalStateException("c-loop.txt has no " + mode);
        }
        return v;
    }

    List<DeathLatency.Kill> kills(String observer, String holder) {
        List<DeathLatency.Kill> k = kills.get(observer + ", " + holder);
        if (k == null) {
            throw new IllegalStateException("death-kills.tsv has no " + observer + ", " + holder);
        }
        return k;
    }

    static Percentiles observed(List<DeathLatency.Kill> k) {
        return new Percentiles(k.stream().mapToLong(DeathLatency.Kill::observerNanos).toArray());
    }

    static Percentiles kernel(List<DeathLatency.Kill> k) {
        return new Percentiles(k.stream().mapToLong(DeathLatency.Kill::kernelNanos).toArray());
    }

    /** Kill by kill, the observer's time minus the parent's: negative where the observer knew first. */
    static Percentiles difference(List<DeathLatency.Kill> k) {
        return new Percentiles(k.stream().mapToLong(x -> x.observerNanos() - x.kernelNanos()).toArray());
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String met(boolean ok) {
        return ok ? "met" : "**not met**";
    }

    /** The targets of issue 6, each as measured in this run, with the kernel's floor where there is one. */
    String targets() {
        double live = score("lifelineLive") / cLoop("live");
        double dead = score("lifelineDead") / cLoop("dead");
        double allocMax = Math.max(alloc("lifelineLive"), alloc("lifelineDead"));
        double unix = score("unixSocketConnect") / score("lifelineLive");
        double pid = score("pidFileVerified") / score("lifelineLive");
        StringBuilder s = new StringBuilder();
        s.append("| target | measured in this run | |\n| --- | --- | --- |\n");
        s.append(String.format(Locale.ROOT, "| check within 1.10x of the C loop making the same calls | live %.2fx, dead %.2fx | %s |%n",
                live, dead, met(live <= 1.10 && dead <= 1.10)));
        s.append(String.format(Locale.ROOT, "| 0 bytes allocated per check | at most %s B/op (JMH `-prof gc`; below 1 B/op is JMH's own bookkeeping spread over the operations) | %s |%n",
                fmt(allocMax), met(allocMax < 1)));
        s.append(String.format(Locale.ROOT, "| at least 3x faster than a Unix-socket connect | %.1fx. %s | %s |%n", unix, socketFloor(),
                met(unix >= 3)));
        s.append(String.format(Locale.ROOT, "| at least 3x faster than a verified PID file | %.1fx | %s |%n", pid, met(pid >= 3)));
        for (String holder : List.of(DeathLatency.C_HOLDER, DeathLatency.JVM_HOLDER)) {
            if (!kills.containsKey("onDeath, " + holder)) {
                continue;
            }
            Percentiles onDeath = observed(kills("onDeath", holder));
            Percentiles watcher = observed(kills("Watcher", holder));
            double p50 = Math.max(onDeath.nanos(50), watcher.nanos(50)) / 1e6;
            double p99 = Math.max(onDeath.nanos(99), watcher.nanos(99)) / 1e6;
            String what = holder.equals(DeathLatency.C_HOLDER)
                    ? "the notice itself (a tiny C holder, which the kernel ends at once)"
                    : "a JVM holder (includes the kernel tearing down the JVM before it lets go of the FIFO)";
            s.append(String.format(Locale.ROOT, "| death noticed within 1 ms median, 5 ms p99: %s; onDeath and Watcher, the worse of the two"
                    + " | p50 %.2f ms, p99 %.2f ms (%,d and %,d kills). %s | %s |%n",
                    what, p50, p99, onDeath.count(), watcher.count(), deathFloor(holder), met(p50 <= 1 && p99 <= 5)));
        }
        return s.toString();
    }

    /**
     * What the kernel allows a socket probe against a FIFO check: both made through the C library
     * with nothing on top (C against C), and what the JDK adds to the calls its connect makes.
     */
    String socketFloor() {
        double floor = cLoop("unix-connect") / cLoop("live");
        double cListener = cLoop("unix-connect-c-listener") / cLoop("live");
        double jdk = score("unixSocketConnect") - cLoop("unix-connect-jdk");
        double getsockname = cLoop("unix-connect-jdk") - cLoop("unix-connect");
        return String.format(Locale.ROOT, "Kernel floor, C against C and the same daemon: %.1fx (socket + connect + close against open +"
                + " statx + close), so %s; to a listener in C instead, %.1fx. The JDK's connect takes %s ns against %s ns for"
                + " the same calls in C (%s ns, %+.0f%%, is the JDK's own), the getsockname among them that the cheapest"
                + " probe does without %s ns",
                floor, floor < 3 ? "against a socket probe that costs only its system calls no FIFO check reaches 3x on this kernel"
                        : "3x is within reach even against a socket probe that costs only its system calls",
                cListener, fmt(score("unixSocketConnect")), fmt(cLoop("unix-connect-jdk")), signed(jdk),
                100 * jdk / cLoop("unix-connect-jdk"), signed(getsockname));
    }

    /**
     * The kernel's own notice beside lifeline's, for one holder: the holder's parent's waitpid in
     * the same kills as onDeath and Watcher, and how often lifeline knew first.
     */
    String deathFloor(String holder) {
        List<DeathLatency.Kill> both = new ArrayList<>(kills("onDeath", holder));
        both.addAll(kills("Watcher", holder));
        Percentiles kernel = kernel(both);
        Percentiles diff = difference(both);
        return String.format(Locale.ROOT, "Kernel floor, the same kills: the holder's parent's own waitpid p50 %.2f ms, p99 %.2f ms;"
                + " lifeline knew first in %.0f%% of kills (lifeline minus waitpid, kill by kill: median %s us)",
                kernel.nanos(50) / 1e6, kernel.nanos(99) / 1e6, 100.0 * diff.below(0) / diff.count(),
                signed(diff.nanos(50) / 1e3));
    }

    /** A signed figure, as fmt formats its size: "+740", "-12.5". */
    static String signed(double v) {
        return (v < 0 ? "-" : "+") + fmt(Math.abs(v));
    }

    String checksTable() {
        double base = score("lifelineLive");
        StringBuilder s = new StringBuilder();
        s.append("| check | ns/op | ± (99.9%) | bytes allocated/op | time vs lifeline live | system calls/check |\n");
        s.append("| --- | ---: | ---: | ---: | ---: | --- |\n");
        for (var e : NAMES.entrySet()) {
            double[] v = jmh.get(e.getKey());
            if (v == null) {
                continue;
            }
            String kind = e.getKey().replace("2Threads", "");
            String calls = e.getKey().endsWith("2Threads") ? "(as above)" : syscallSummary(kind);
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2fx | %s |%n", e.getValue(), fmt(v[0]), fmt(v[1]),
                    fmt(v[2]), v[0] / base, calls));
        }
        s.append(String.format(Locale.ROOT, "| C loop, live (open + statx + close) | %s | | 0 | %.2fx | 3 |%n",
                fmt(cLoop("live")), cLoop("live") / base));
        s.append(String.format(Locale.ROOT, "| C loop, dead (open ENXIO + statx) | %s | | 0 | %.2fx | 2 |%n",
                fmt(cLoop("dead")), cLoop("dead") / base));
        s.append(String.format(Locale.ROOT, "| C loop, Unix socket connect (socket + connect + close) | %s | | 0 | %.2fx | 3 |%n",
                fmt(cLoop("unix-connect")), cLoop("unix-connect") / base));
        s.append(String.format(Locale.ROOT, "| C loop, Unix socket connect, the JDK's calls (socket + connect + getsockname + close) | %s | | 0 | %.2fx | 4 |%n",
                fmt(cLoop("unix-connect-jdk")), cLoop("unix-connect-jdk") / base));
        s.append(String.format(Locale.ROOT, "| C loop, Unix socket connect (socket + connect + close), to a listener in C | %s | | 0 | %.2fx | 3 |%n",
                fmt(cLoop("unix-connect-c-listener")), cLoop("unix-connect-c-listener") / base));
        return s.toString();
    }

    String syscallSummary(String kind) {
        Map<String, Double> calls = syscalls.get(kind);
        if (calls == null) {
            return "-";
        }
        double total = calls.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%.1f:", total));
        calls.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).forEach(c ->
                s.append(' ').append(c.getKey()).append(' ').append(String.format(Locale.ROOT, "%.1f", c.getValue())));
        return s.toString();
    }

    String markdown() throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("# lifeline benchmark, ").append(machine.getOrDefault("date", "?")).append("\n\n");
        s.append("Produced by `bench/run.sh` in one run on one machine: ").append(machineLine()).append(".\n\n");
        if (machine.containsKey("load average at start")) {
            s.append("Load average (1, 5, 15 min) at start ").append(machine.get("load average at start"))
                    .append(", at end ").append(machine.getOrDefault("load average at end", "?"))
                    .append(": other work shared the machine; read the ratios, measured side by side, rather than absolute times.\n\n");
        }
        if ("quick".equals(machine.get("mode"))) {
            s.append("**Quick mode (`LIFELINE_BENCH_QUICK=1`): a trial of the script with fewer iterations, rounds and"
                    + " kills than the text below states. Not results: never commit or quote them.**\n\n");
        }
        s.append("![lifeline against the alternatives](chart.svg)\n\n");
        s.append("## Targets (issue 6)\n\n").append(targets()).append('\n');
        s.append("## One check, lifeline against the alternatives\n\n");
        s.append("JMH 1.37, average time, 2 forks, each 3 x 1 s warm-up and 5 x 1 s measurement, `-prof gc`. Every check is"
                + " prepared once and answers \"alive\" about the same daemon, a separate process. System calls per check"
                + " counted with `strace -c -f` over two runs of a driver doing N1 and N2 checks: (count(N2) - count(N1)) /"
                + " (N2 - N1), calls below 0.05 per check left out. The C loops make the same calls through the same C"
                + " library with nothing on top: lifeline's (bench/c/fifo_loop.c) and a Unix-socket probe's"
                + " (bench/c/socket_loop.c), the cheapest correct one and the calls the JDK's connect makes, both to the"
                + " daemon's JVM listener that the Java row connects to. In a tight loop the listener shapes the"
                + " client's figure (a slower listener's backlog fills and the client waits for it; a busy one spares"
                + " the client waking it), so the cheapest probe is also run against a listener in C that keeps up"
                + " and is mostly asleep in accept when a probe arrives, as a daemon is for real probes seconds apart."
                + " Each is the median of 10 one-second rounds, 5 just before JMH and 5 just after, so that all see the"
                + " same machine.\n\n");
        s.append(checksTable()).append('\n');
        s.append("Reading the alternatives: a lock file probed through a channel kept open is one `fcntl` and no"
                + " path walk, but the checker needs write access to the daemon's lock file, allocates on every"
                + " check, and the check must never be made by the daemon's own process (POSIX locks are per process:"
                + " closing any descriptor of the file drops them). ProcessHandle.isAlive on a known PID answers only"
                + " for a PID learnt in this JVM; from a PID file it becomes the verified PID-file row. Connect-based"
                + " checks also cost the daemon an accept and a close for every check.\n\n");
        s.append(deathSection());
        s.append("\n## One Watcher, many beacons\n\n");
        s.append("Beacons held by a child process. Death latency: the child closes beacons one at a time and"
                + " stamps CLOCK_MONOTONIC before each close; the watcher stamps its DEAD report. Heap: used heap after"
                + " full GCs, watching minus not, per beacon. Idle CPU: the whole JVM's utime+stime from"
                + " `/proc/self/stat` over an idle interval (row 0: the same JVM with no watcher). Sweep: list the"
                + " directory and check every beacon with a new Probe.\n\n");
        s.append("| beacons | samples | p50 (us) | p90 (us) | p99 (us) | max (us) | heap/beacon (bytes) | idle CPU (% of a core) | sweep (ms) |\n");
        s.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (String[] r : scale) {
            s.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        s.append("\n## Whole process: one check from the command line\n\n");
        s.append("hyperfine, no shell, 3 warm-ups. The lifeline commands check a held beacon; s6-svok checks a"
                + " service directory that s6-supervise is running.\n\n");
        s.append("| command | mean (ms) | stddev (ms) | median (ms) | user (ms) | system (ms) |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (String[] r : cli) {
            s.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        Path stack = dir.resolve("stack.txt");
        s.append("\n## Where a live check spends its time\n\n");
        s.append("JMH `-prof stack` on `lifelineLive` (thread states and top frames, sampled):\n\n```\n")
                .append(Files.readString(stack).strip()).append("\n```\n");
        s.append("\n## Rerun\n\n`bench/run.sh` from the repository root (about 13 minutes on 2 cores). It needs gcc, strace,"
                + " hyperfine, s6 and a JDK 25, and says which is missing.\n");
        return s.toString();
    }

    String deathSection() {
        StringBuilder s = new StringBuilder();
        s.append("## Death notice: SIGKILL of the holder to the observer knowing\n\n");
        s.append("Two holders, each started by a small C reaper (bench/c/reaper.c) whose child it is, so that it is not"
                + " the measuring JVM's child: a tiny C program holding the FIFO (bench/c/holder.c: the notice itself)"
                + " and a JVM holding a Beacon (a real Java daemon: the kernel lets go of the FIFO only after tearing"
                + " down the JVM's memory and threads, and every observer waits for that). Each holder is killed once"
                + " it has gone quiet (the C holder asleep in `pause`, the JVM using no CPU time over 100 ms) and the"
                + " reaper is asleep in `waitpid`, and once lifeline's observer is armed: ").append(armedText())
                .append(", as an observer armed long before a death would be. The clock starts just before"
                + " `kill(pid, SIGKILL)` and stops in the observer's own completion. One lifeline observer per kill.\n\n");
        s.append("The kernel's own notice, in the same kills: the reaper stamps CLOCK_MONOTONIC (System.nanoTime's"
                + " clock) when its `waitpid` returns. Linux's `do_exit` tears down the memory (`exit_mm`), then closes"
                + " the descriptors (`exit_files`: the FIFO loses its reader, lifeline's notice), and only then tells the"
                + " parent (`exit_notify`: `waitpid`, SIGCHLD, a pidfd), the best placed of the observers the kernel tells"
                + " of a death as such: lifeline should hear at the same time or sooner."
                + " What separates the two stamps is mostly two sleeping threads woken by the same death racing back to"
                + " user space on 2 cores, and lifeline's own work after its wake-up (closing its two descriptors,"
                + " checking the FIFO again). ProcessHandle.onExit is armed just before the kill, its best case: for a"
                + " process that is not its child, the JDK polls, every 300 ms at first, growing to 5 s, and counts a"
                + " zombie as alive, so it also waits for the parent to reap (the reaper does at once; an orphan waits"
                + " for whatever init adopted it). Percentiles are"
                + " nearest-rank; p99 and p99.9 are left out (-) below 100 and 1,000 kills, where they would be"
                + " the maximum.\n\n");
        s.append("| observer | holder | kills | p50 (us) | p90 (us) | p99 (us) | p99.9 (us) | max (us) |\n");
        s.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (List<DeathLatency.Kill> k : kills.values()) {
            String holder = k.get(0).holder();
            s.append(latencyRow(k.get(0).observer(), holder, observed(k)));
            s.append(latencyRow("the parent's waitpid, same kills", holder, kernel(k)));
        }
        s.append("\nKill by kill: the observer's time minus the parent's `waitpid`, microseconds; negative where the"
                + " observer knew first.\n\n");
        s.append("| observer | holder | kills | observer first | min | p10 | p50 | p90 | p99 | max |\n");
        s.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (List<DeathLatency.Kill> k : kills.values()) {
            Percentiles d = difference(k);
            s.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.0f%% | %.1f | %s | %s | %s | %s | %.1f |%n",
                    k.get(0).observer(), k.get(0).holder(), d.count(), 100.0 * d.below(0) / d.count(), d.min() / 1e3,
                    d.micros(10), d.micros(50), d.micros(90), d.micros(99), d.max() / 1e3));
        }
        return s.toString();
    }

    private static String latencyRow(String observer, String holder, Percentiles p) {
        return String.format(Locale.ROOT, "| %s | %s | %,d | %s | %s | %s | %s | %.1f |%n", observer, holder, p.count(),
                p.micros(50), p.micros(90), p.micros(99), p.micros(99.9), p.max() / 1e3);
    }

    private String armedText() {
        if (armed == null) {
            throw new IllegalStateException("death-kills.tsv does not say how observers were armed");
        }
        return armed;
    }

    String machineLine() {
        return String.format("Linux %s, %s cores (%s), kernel %s, JDK %s", machine.get("arch"), machine.get("cores"),
                machine.get("cpu"), machine.get("kernel"), machine.get("jdk"));
    }

    // -- Chart --

    /** Horizontal bars on a log axis: ns per check, then death-notice latency. */
    String svg() {
        List<Object[]> checks = new ArrayList<>(); // label, value ns, lifeline?
        checks.add(new Object[] {"C loop, live (kernel floor)", cLoop("live"), 2});
        checks.add(new Object[] {"C loop, dead (kernel floor)", cLoop("dead"), 2});
        checks.add(new Object[] {"C loop, Unix socket connect (kernel floor)", cLoop("unix-connect"), 2});
        for (var e : NAMES.entrySet()) {
            if (jmh.containsKey(e.getKey())) {
                checks.add(new Object[] {e.getValue(), score(e.getKey()), e.getKey().startsWith("lifeline") ? 1 : 0});
            }
        }
        List<Object[]> notices = new ArrayList<>();
        for (String holder : List.of(DeathLatency.C_HOLDER, DeathLatency.JVM_HOLDER)) {
            List<DeathLatency.Kill> floor = new ArrayList<>();
            for (List<DeathLatency.Kill> k : kills.values()) {
                if (!k.get(0).holder().equals(holder)) {
                    continue;
                }
                String name = k.get(0).observer() + ", " + holder;
                boolean ours = !name.startsWith("ProcessHandle");
                if (ours) {
                    floor.addAll(k);
                }
                notices.add(new Object[] {name + " p50", observed(k).nanos(50) / 1e3, ours ? 1 : 0});
                notices.add(new Object[] {name + " p99", observed(k).nanos(99) / 1e3, ours ? 1 : 0});
            }
            if (!floor.isEmpty()) {
                notices.add(new Object[] {"parent's waitpid (kernel floor), " + holder + " p50", kernel(floor).nanos(50) / 1e3, 2});
                notices.add(new Object[] {"parent's waitpid (kernel floor), " + holder + " p99", kernel(floor).nanos(99) / 1e3, 2});
            }
        }
        int width = 900;
        int bar = 20;
        int gap = 6;
        int labelW = 330;
        int h1 = 60 + checks.size() * (bar + gap) + 40;
        int h2 = 60 + notices.size() * (bar + gap) + 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                width, h1 + h2 + 30));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        panel(s, 0, "One liveness check, ns per check (log scale; shorter is better)", "ns", checks, width, labelW, bar, gap);
        panel(s, h1, "SIGKILL to death noticed, microseconds (log scale)", "us", notices, width, labelW, bar, gap);
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" fill=\"#555\">%s</text>%n", h1 + h2 + 15,
                xml("bench/run.sh, " + machineLine())));
        s.append("</svg>\n");
        return s.toString();
    }

    private static void panel(StringBuilder s, int top, String title, String unit, List<Object[]> rows, int width,
            int labelW, int bar, int gap) {
        double min = rows.stream().mapToDouble(r -> (Double) r[1]).min().orElse(1);
        double max = rows.stream().mapToDouble(r -> (Double) r[1]).max().orElse(10);
        double lo = Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-3))));
        double hi = Math.pow(10, Math.ceil(Math.log10(max * 1.01)));
        int x0 = labelW + 10;
        int plotW = width - x0 - 90;
        int y0 = top + 40;
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", top + 22, xml(title)));
        int plotH = rows.size() * (bar + gap);
        for (double t = lo; t <= hi * 1.0001; t *= 10) {
            double x = x0 + plotW * Math.log10(t / lo) / Math.log10(hi / lo);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n", x, y0, x, y0 + plotH));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s %s</text>%n", x,
                    y0 + plotH + 15, fmt(t), unit));
        }
        for (int i = 0; i < rows.size(); i++) {
            Object[] r = rows.get(i);
            double v = (Double) r[1];
            int kind = (Integer) r[2];
            String color = kind == 1 ? "#1b7837" : kind == 2 ? "#999999" : "#b2182b";
            int y = y0 + i * (bar + gap);
            double w = Math.max(1, plotW * Math.log10(Math.max(v, lo) / lo) / Math.log10(hi / lo));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", labelW, y + bar - 6, xml((String) r[0])));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", x0, y, w, bar, color));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", x0 + w + 4, y + bar - 6, fmt(v)));
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

}
