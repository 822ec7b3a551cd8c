package dev.lifeline;

import dev.lifeline.testkit.Holder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The program the tests run in separate processes. Each mode prints one line when it has done
 * what the parent waits for; that line is the synchronisation event.
 *
 * <ul>
 * <li>{@code hold PATH [exclusive]}: the test kit's {@link Holder}: holds a beacon, prints
 *     {@code held}, then waits for its standard input to close, closes the beacon and prints
 *     {@code closed}. A refusal prints {@code refused FAULT} and exits 3.
 * <li>{@code heartbeat PATH MILLIS}: as {@code hold}, with a {@link Heartbeat} promising MILLIS.
 * <li>{@code check PATH}: prints the status of one check.
 * <li>{@code exhaust PATH}: opens files until the descriptor table is full, then prints the status
 *     of one check (the check itself needs a descriptor).
 * <li>{@code soak PATH plain|beat|heartbeat:MILLIS}: holds a beacon (with a {@link Heartbeat}
 *     for the last kind), prints {@code held}, then obeys its standard input: {@code beat MILLIS}
 *     beats and prints {@code beat BEFORE AFTER} (wall-clock ms around the call), {@code halt}
 *     crashes at once ({@code Runtime.halt}, no cleanup). A heartbeat holder
 *     prints {@code held} only once its first promise is visible. End of input closes the beacon, prints
 *     {@code closed}, exits 0.
 * <li>{@code race PATH ROUNDS}: ROUNDS times, tries to hold PATH exclusively; when it does, prints
 *     {@code held T INO FDINO} and {@code release T INO FDINO} (T = {@link System#nanoTime()},
 *     CLOCK_MONOTONIC, comparable across processes; INO = the inode the path names, FDINO = the
 *     inode of the descriptor it holds), then closes; prints {@code refused FAULT} otherwise,
 *     and {@code done} at the end.
 * <li>{@code hold-modes DIR NAME=PERMS...}: holds one beacon per NAME in DIR, each created with
 *     the permissions PERMS (as {@code rw--w----}), prints {@code held}, then waits for its standard
 *     input to close, closes them all and prints {@code closed}. A refusal prints
 *     {@code refused NAME FAULT} and exits 3.
 * <li>{@code checks PATH...}: checks each path once and prints one line per path, in order:
 *     {@code STATE FAULT ERRNO}, with {@code -} for a missing fault or errno. One JVM for many
 *     checks: a JVM costs far more than a check.
 * <li>{@code try-hold PATH [OPTION...]}: tries to hold a beacon with the given
 *     {@link BeaconOption}s (and KEEP_ON_CLOSE); prints {@code refused FAULT ERRNO}, or
 *     {@code held} and lets go again.
 * <li>{@code exhaust-open PATH}, {@code exhaust-watch PATH}: as {@code exhaust}, for
 *     {@link Beacon#open} and for {@link Watcher#start}, {@link Probe#awaitDeath} and
 *     {@link Probe#awaitAlive}: one line of outcomes, then the same calls again once descriptors
 *     are free.
 * </ul>
 */
public final class Child {
    private Child() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[1]);
        switch (args[0]) {
            case "hold" -> Holder.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "check" -> System.out.println(Probe.of(path).check());
            case "checks" -> checks(java.util.List.of(args).subList(1, args.length));
            case "hold-modes" -> holdModes(path, java.util.List.of(args).subList(2, args.length));
            case "try-hold" -> tryHold(path, java.util.List.of(args).subList(2, args.length));
            case "exhaust" -> exhaust(path);
            case "park" -> park(path);
            case "pid" -> System.out.println("pid " + Probe.of(path).holderPid());
            case "spawn" -> {
                Handover handover = Beacon.open(path).spawn(java.util.List.of(args).subList(2, args.length));
                System.out.println("spawned " + handover.pid());
                System.out.flush();
                System.out.println("exited " + handover.waitFor());
            }
            case "exec" -> {
                Beacon beacon = Beacon.open(path);
                try {
                    beacon.exec(java.util.List.of(args).subList(2, args.length));
                } catch (IOException e) {
                    beacon.close();
                    System.out.println("refused " + e.getClass().getSimpleName());
                    System.exit(3);
                }
            }
            case "holdmany" -> holdMany(path, Integer.parseInt(args[2]));
            case "heartbeat" -> heartbeat(path, java.time.Duration.ofMillis(Long.parseLong(args[2])));
            case "soak" -> soak(path, args[2]);
            case "race" -> race(path, Integer.parseInt(args[2]));
            case "exhaust-open" -> exhaustOpen(path);
            case "exhaust-watch" -> exhaustWatch(path);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void checks(List<String> paths) {
        for (String p : paths) {
            Status status = Probe.of(Path.of(p)).check();
            System.out.println(status.state() + " " + status.fault().map(Fault::name).orElse("-") + " "
                    + status.errno().orElse("-"));
        }
    }

    private static void holdModes(Path dir, List<String> specs) throws IOException {
        List<Beacon> beacons = new ArrayList<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name = spec.substring(0, eq);
            try {
                beacons.add(Beacon.open(dir.resolve(name),
                        java.nio.file.attribute.PosixFilePermissions.fromString(spec.substring(eq + 1))));
            } catch (BeaconException e) {
                System.out.println("refused " + name + " " + e.fault());
                System.exit(3);
                return;
            }
        }
        System.out.println("held");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // wait for the parent to close our standard input
        }
        beacons.forEach(Beacon::close);
        System.out.println("closed");
    }

    private static void tryHold(Path path, List<String> optionNames) {
        // KEEP_ON_CLOSE changes nothing about whether open refuses; it makes sure that a holder
        // that should have been refused leaves the FIFO where it was for the parent to see.
        List<BeaconOption> options = new ArrayList<>(List.of(BeaconOption.KEEP_ON_CLOSE));
        optionNames.forEach(name -> options.add(BeaconOption.valueOf(name)));
        try (Beacon beacon = Beacon.open(path, options.toArray(BeaconOption[]::new))) {
            System.out.println("held");
        } catch (BeaconException e) {
            System.out.println("refused " + e.fault() + " " + e.errno().orElse("-"));
        }
    }

    private static void heartbeat(Path path, java.time.Duration promise) throws IOException {
        try (Beacon beacon = Beacon.open(path); Heartbeat heartbeat = Heartbeat.whileHealthy(beacon, promise, () -> true)) {
            System.out.println("held");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // wait for the parent to close our standard input
            }
        }
    }

    /** Holds a beacon until killed: for a process whose standard input is not ours to close. */
    private static void park(Path path) throws Exception {
        Beacon beacon = Beacon.open(path);
        synchronized (beacon) {
            while (beacon.isOpen()) {
                beacon.wait(); // nobody notifies: only a signal ends this process
            }
        }
    }

    /** Holds COUNT beacons b0..b(COUNT-1) in DIR; on "close I" closes one, keeping its FIFO. */
    private static void holdMany(Path dir, int count) throws IOException {
        Beacon[] beacons = new Beacon[count];
        for (int i = 0; i < count; i++) {
            beacons[i] = Beacon.open(dir.resolve("b" + i), BeaconOption.KEEP_ON_CLOSE);
        }
        System.out.println("held");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            int i = Integer.parseInt(line.substring("close ".length()));
            long before = System.nanoTime(); // CLOCK_MONOTONIC: comparable across processes
            beacons[i].close();
            System.out.println("closed " + i + " " + before);
            System.out.flush();
        }
    }

    private static void exhaust(Path path) throws IOException {
        Probe probe = Probe.of(path);
        probe.check(); // link the native calls first: linking may itself need descriptors
        List<RandomAccessFile> hoard = hoard();
        Status status = probe.check();
        release(hoard);
        System.out.println(status.state() + " " + status.fault().orElse(null) + " " + status.errno().orElse(null)
                + " after " + hoard.size() + " files");
    }

    private static void soak(Path path, String kind) throws IOException {
        Beacon beacon;
        try {
            beacon = Beacon.open(path);
        } catch (BeaconException e) {
            System.out.println("refused " + e.fault() + " " + e.getMessage());
            System.exit(3);
            return;
        }
        Heartbeat heartbeat = kind.startsWith("heartbeat:")
                ? Heartbeat.whileHealthy(beacon, java.time.Duration.ofMillis(Long.parseLong(kind.substring(10))), () -> true)
                : null;
        if (heartbeat != null) {
            // "held" means promised too: the first beat runs on the heartbeat's thread, a moment later.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (Probe.of(path).check().deadline().isEmpty() && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
        }
        System.out.println("held");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("halt")) {
                Runtime.getRuntime().halt(7);
            } else if (line.startsWith("beat ")) {
                long before = System.currentTimeMillis();
                beacon.beat(java.time.Duration.ofMillis(Long.parseLong(line.substring(5))));
                long after = System.currentTimeMillis();
                System.out.println("beat " + before + " " + after);
                System.out.flush();
            }
        }
        if (heartbeat != null) {
            heartbeat.close();
        }
        beacon.close();
        System.out.println("closed");
        System.out.flush();
    }

    private static void race(Path path, int rounds) throws IOException {
        for (int i = 0; i < rounds; i++) {
            Beacon beacon;
            try {
                beacon = Beacon.open(path, BeaconOption.EXCLUSIVE);
            } catch (BeaconException e) {
                System.out.println("refused " + e.fault());
                continue;
            }
            long held = System.nanoTime();
            String identity = identity(path);
            System.out.println("held " + held + " " + identity);
            String again = identity(path);
            long release = System.nanoTime();
            System.out.println("release " + release + " " + again);
            beacon.close();
        }
        System.out.println("done");
        System.out.flush();
    }

    /** "INO FDINO": the inode the path names now, and that of our descriptor open on it. */
    private static String identity(Path path) throws IOException {
        Object ino;
        try {
            ino = Files.getAttribute(path, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException gone) {
            ino = "gone";
        }
        Object fdIno = "none";
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.equals(path.toString()) || target.equals(path + " (deleted)")) {
                        fdIno = Files.getAttribute(fd, "unix:ino");
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor that lists the directory, gone by now
                }
            }
        }
        return ino + " " + fdIno;
    }

    /** Fills the descriptor table, then opens a beacon; prints the outcome, then again with room. */
    private static void exhaustOpen(Path path) throws IOException {
        Beacon.open(path.resolveSibling("warm-up")).close(); // link the native calls first
        List<RandomAccessFile> hoard = hoard();
        String full = tryOpen(path);
        boolean leftNothing = !Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        release(hoard);
        try (var files = Files.list(path.getParent())) {
            System.out.println(full + " nothing-left=" + leftNothing + " files=" + files.count()
                    + " after " + hoard.size() + " files; then " + tryOpen(path));
        }
    }

    private static String tryOpen(Path path) {
        try (Beacon beacon = Beacon.open(path)) {
            return "held " + Probe.of(path).check().state();
        } catch (BeaconException e) {
            return "refused " + e.fault() + " " + e.errno().orElse(null);
        }
    }

    /** With the descriptor table full: a watcher, a death wait and a birth wait; each says why it cannot. */
    private static void exhaustWatch(Path path) throws Exception {
        Probe probe = Probe.of(path);
        try (Watcher w = Watcher.start(change -> { })) {
            w.watch(path);
        }
        probe.awaitDeath(java.time.Duration.ZERO);
        // Load what a birth wait needs (a wait on a held beacon returns before it would).
        Probe.of(path.resolveSibling("never")).awaitAlive(java.time.Duration.ofMillis(1)); // ZERO would return before
        List<RandomAccessFile> hoard = hoard();
        StringBuilder out = new StringBuilder();
        try (Watcher w = Watcher.start(change -> { })) {
            out.append("watcher started");
        } catch (IOException e) {
            out.append("watcher refused: ").append(e.getMessage());
        }
        Status death = probe.awaitDeath(java.time.Duration.ofMillis(100));
        out.append("; awaitDeath ").append(death.state()).append(' ').append(death.fault().orElse(null)).append(' ')
                .append(death.errno().orElse(null));
        Status birth = probe.awaitAlive(java.time.Duration.ofMillis(100));
        out.append("; awaitAlive ").append(birth.state()).append(' ').append(birth.fault().orElse(null)).append(' ')
                .append(birth.errno().orElse(null));
        int size = hoard.size();
        release(hoard);
        out.append(" after ").append(size).append(" files; then ");
        try (Watcher w = Watcher.start(change -> { })) {
            out.append("watcher started");
        }
        out.append(", awaitDeath ").append(probe.awaitDeath(java.time.Duration.ofMillis(100)).state());
        System.out.println(out);
    }

    private static List<RandomAccessFile> hoard() throws IOException {
        Path file = Files.createTempFile("lifeline-exhaust", ".tmp");
        List<RandomAccessFile> hoard = new ArrayList<>();
        try {
            while (true) {
                hoard.add(new RandomAccessFile(file.toFile(), "r"));
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("Too many open files")) {
                throw full;
            }
        } finally {
            Files.delete(file);
        }
        return hoard;
    }

    private static void release(List<RandomAccessFile> hoard) throws IOException {
        for (RandomAccessFile f : hoard) {
            f.close();
        }
    }
}
