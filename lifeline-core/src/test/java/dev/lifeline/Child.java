package dev.lifeline;

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
 * <li>{@code hold PATH [exclusive]}: holds a beacon, prints {@code held}, then waits for its
 *     standard input to close, closes the beacon and prints {@code closed}. A refusal prints
 *     {@code refused FAULT} and exits 3.
 * <li>{@code heartbeat PATH MILLIS}: as {@code hold}, with a {@link Heartbeat} promising MILLIS.
 * <li>{@code check PATH}: prints the status of one check.
 * <li>{@code exhaust PATH}: opens files until the descriptor table is full, then prints the status
 *     of one check (the check itself needs a descriptor).
 * </ul>
 */
public final class Child {
    private Child() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[1]);
        switch (args[0]) {
            case "hold" -> hold(path, args.length > 2 && args[2].equals("exclusive"));
            case "check" -> System.out.println(Probe.of(path).check());
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
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void hold(Path path, boolean exclusive) throws IOException {
        Beacon beacon;
        try {
            beacon = exclusive ? Beacon.open(path, BeaconOption.EXCLUSIVE) : Beacon.open(path);
        } catch (BeaconException e) {
            System.out.println("refused " + e.fault());
            System.exit(3);
            return;
        }
        System.out.println("held");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // wait for the parent to close our standard input
        }
        beacon.close();
        System.out.println("closed");
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
        }
        Status status = probe.check();
        for (RandomAccessFile f : hoard) {
            f.close();
        }
        Files.delete(file);
        System.out.println(status.state() + " " + status.fault().orElse(null) + " " + status.errno().orElse(null)
                + " after " + hoard.size() + " files");
    }
}
