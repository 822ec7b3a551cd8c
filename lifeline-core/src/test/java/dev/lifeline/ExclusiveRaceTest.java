package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exclusive holders in separate processes race to start while others close, many times.
 *
 * <p>Evidence of overlap, three ways. (1) Each child prints {@code held T} after {@code open}
 * returned and {@code release T} before it calls {@code close}, T from CLOCK_MONOTONIC, which all
 * processes share: the printed intervals lie inside the true holding intervals, so any two that
 * intersect are a real double holding. (2) Each child prints the inode the path names and the
 * inode of the descriptor it holds, once after taking the beacon and once before letting go: they
 * must be equal both times, or the FIFO was unlinked or replaced under a live holder. (3) The
 * kernel's own record, correlated with what the children believe: while the race runs, this test
 * reads {@code /proc/locks} in one {@code read} (one consistent snapshot) between two lookups of
 * the path that agree (same inode and birth time, so not a reused inode number), and notes which
 * process holds the flock on the FIFO the path names. Afterwards, no other child may have
 * believed itself the holder (its printed interval) across that whole sample.
 */
class ExclusiveRaceTest {
    @TempDir
    Path dir;

    record Holding(int child, long from, long to, String identityHeld, String identityReleased) {
    }

    /** A /proc/locks sample taken between {@code from} and {@code to}: {@code pid} held the path's FIFO. */
    record Sample(long from, long to, long pid) {
    }

    /**
     * Twice: with a short name, where a new beacon is created already held and renamed into place,
     * and with a name so long that the temporary name beside it does not fit (NAME_MAX), which
     * takes the plain way: mkfifo at the path, then open and lock, racing everyone else. The plain
     * way once removed a FIFO it had made and failed to lock, though another racer held it by then;
     * 8 racers on 2 cores caught that in about half the runs of 1,000 rounds, 4 racers almost never.
     */
    @ParameterizedTest(name = "{0}-character name, {1} racers x {2} rounds")
    @CsvSource({"6, 4, 300", "240, 8, 1000"})
    void exclusiveHoldersInSeparateProcessesNeverOverlapNorLoseTheirFifo(int length, int racers, int rounds)
            throws Exception {
        Path path = dir.resolve("s".repeat(length));
        List<Running> children = new ArrayList<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicBoolean racing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger lockSamples = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            byte[] buffer = new byte[1 << 20];
            while (racing.get()) {
                long from = System.nanoTime();
                String before = identity(path);
                String locks = readLocks(buffer);
                String after = identity(path);
                long to = System.nanoTime();
                if (before == null || !before.equals(after)) {
                    continue;
                }
                lockSamples.incrementAndGet();
                String ino = ":" + before.split(" ")[0];
                for (String line : locks.split("\n")) {
                    String[] f = line.trim().split("\\s+");
                    // "1: FLOCK  ADVISORY  WRITE 1321 fe:00:2178789 0 EOF"; blocked waiters start with "->"
                    if (f.length > 5 && f[1].equals("FLOCK") && f[3].equals("WRITE") && f[5].endsWith(ino)) {
                        samples.add(new Sample(from, to, Long.parseLong(f[4])));
                    }
                }
            }
        });
        sampler.start();
        List<Holding> holdings = new ArrayList<>();
        int refused = 0;
        try {
            for (int i = 0; i < racers; i++) {
                children.add(Processes.start("race", path.toString(), String.valueOf(rounds)));
            }
            for (int i = 0; i < racers; i++) {
                Running child = children.get(i);
                for (String line = child.nextLine(); !line.equals("done"); line = child.nextLine()) {
                    if (line.startsWith("refused ")) {
                        assertThat(line).as("the only refusal while racing").isEqualTo("refused HELD");
                        refused++;
                        continue;
                    }
                    String[] held = line.split(" ");
                    String[] released = child.nextLine().split(" ");
                    assertThat(held[0]).isEqualTo("held");
                    assertThat(released[0]).isEqualTo("release");
                    holdings.add(new Holding(i, Long.parseLong(held[1]), Long.parseLong(released[1]),
                            held[2] + " " + held[3], released[2] + " " + released[3]));
                }
                assertThat(child.finish()).isZero();
            }
        } finally {
            racing.set(false);
            sampler.join();
            children.forEach(Running::close);
        }
        List<Long> pids = children.stream().map(c -> c.process().pid()).toList();
        int corroborated = 0;
        for (Sample sample : samples) {
            int lockHolder = pids.indexOf(sample.pid);
            if (lockHolder < 0) {
                wrong.add("pid " + sample.pid + ", not a racer, held the FIFO's lock");
                continue;
            }
            for (Holding h : holdings) {
                if (h.from <= sample.from && sample.to <= h.to) {
                    if (h.child == lockHolder) {
                        corroborated++;
                    } else {
                        wrong.add("child " + h.child + " believed it held the beacon while child " + lockHolder
                                + " held the path's flock (sample " + sample + ")");
                    }
                }
            }
        }
        for (Holding h : holdings) {
            String[] ids = h.identityHeld.split(" ");
            if (!ids[0].equals(ids[1]) || !h.identityHeld.equals(h.identityReleased)) {
                wrong.add("child " + h.child + ": path and descriptor named " + h.identityHeld + " when taken, "
                        + h.identityReleased + " before release: the FIFO was unlinked or replaced under a live holder");
            }
        }
        List<Holding> sorted = new ArrayList<>(holdings);
        sorted.sort((a, b) -> Long.compare(a.from, b.from));
        for (int i = 1; i < sorted.size(); i++) {
            Holding previous = sorted.get(i - 1);
            Holding next = sorted.get(i);
            if (next.from <= previous.to) {
                wrong.add("child " + next.child + " held from " + next.from + " while child " + previous.child
                        + " held until " + previous.to);
            }
        }
        System.out.println("exclusive race: " + racers + " processes x " + rounds + " rounds: " + holdings.size()
                + " holdings, " + refused + " refusals (HELD), " + lockSamples.get() + " /proc/locks samples ("
                + samples.size() + " with a holder, " + corroborated + " inside the holder's own printed interval), " + wrong.size() + " violations");
        assertThat(wrong).isEmpty();
        assertThat(holdings.size() + refused).isEqualTo(racers * rounds);
        assertThat(holdings.size()).as("holdings").isGreaterThan(rounds);
        assertThat(corroborated).as("lock samples that caught a holder inside its printed interval").isGreaterThan(20);
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).as("the last holder removed the FIFO").isFalse();
        try (var left = Files.list(dir)) {
            assertThat(left.toList()).as("no stray temporary FIFO").isEmpty();
        }
    }

    /** "INO BIRTH" of what the path names, or null if nothing. */
    private static String identity(Path path) {
        try {
            var attributes = Files.readAttributes(path, "unix:ino,creationTime", LinkOption.NOFOLLOW_LINKS);
            return attributes.get("ino") + " " + attributes.get("creationTime");
        } catch (java.io.IOException gone) {
            return null;
        }
    }

    /** /proc/locks in one read(2): the kernel produces it under its lock, so it is one instant's truth. */
    private static String readLocks(byte[] buffer) {
        try (var in = new java.io.FileInputStream("/proc/locks")) {
            int n = in.read(buffer);
            if (n == buffer.length) {
                throw new IllegalStateException("/proc/locks larger than " + buffer.length + " bytes");
            }
            return new String(buffer, 0, Math.max(n, 0), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
