package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Watcher#followDirectory}: a directory followed with the watcher's own inotify instance,
 * existing or not, removed and made again; what {@code lifeline serve} and {@code lifeline watch}
 * build on. Every wait is for an event, bounded by {@link Processes#DEADLINE}.
 */
class DirectoryFollowTest {
    @TempDir
    Path tmp;

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    private Watcher start() throws Exception {
        return Watcher.start(change -> { });
    }

    private boolean follow(Watcher watcher, Path dir) {
        // As serve and watch do, entries named with a dot (a holder's temporary names) are left out.
        return watcher.followDirectory(dir, d -> events.add("appeared " + d), p -> {
            if (!p.getFileName().toString().startsWith(".")) {
                events.add("created " + p);
            }
        });
    }

    private String next() throws InterruptedException {
        String event = events.poll(Processes.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("an event within the deadline").isNotNull();
        return event;
    }

    @Test
    void anExistingDirectoryIsReportedBeforeFollowReturnsThenEachEntryMadeInIt() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("beacons"));
        try (Watcher watcher = start()) {
            assertThat(follow(watcher, dir)).isTrue();
            assertThat(events.poll()).as("reported before followDirectory returned").isEqualTo("appeared " + dir);
            Files.createFile(dir.resolve("a"));
            assertThat(next()).isEqualTo("created " + dir.resolve("a"));
            Path outside = Files.createFile(tmp.resolve("b"));
            Files.move(outside, dir.resolve("b"));
            assertThat(next()).isEqualTo("created " + dir.resolve("b"));
        }
    }

    @Test
    void aDirectoryThatDoesNotExistYetIsFollowedOnceItAppearsAndAgainAfterItWasRemoved() throws Exception {
        Path dir = tmp.resolve("run/lifeline");
        try (Watcher watcher = start()) {
            assertThat(follow(watcher, dir)).isFalse();
            assertThat(events).isEmpty();
            Files.createDirectories(dir);
            assertThat(next()).isEqualTo("appeared " + dir);
            Files.createFile(dir.resolve("x"));
            assertThat(next()).isEqualTo("created " + dir.resolve("x"));
            Files.delete(dir.resolve("x"));
            Files.delete(dir);
            Files.delete(dir.getParent());
            Files.createDirectories(dir);
            assertThat(next()).isEqualTo("appeared " + dir);
            Files.createFile(dir.resolve("y"));
            assertThat(next()).isEqualTo("created " + dir.resolve("y"));
        }
    }

    @Test
    void aDirectoryThatAlsoHoldsWatchedBeaconsServesBoth() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        BlockingQueue<Status.State> states = new LinkedBlockingQueue<>();
        try (Watcher watcher = Watcher.start(change -> states.add(change.status().state()))) {
            watcher.watch(dir.resolve("worker"));
            assertThat(states.poll(Processes.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Status.State.ABSENT);
            assertThat(follow(watcher, dir)).isTrue();
            assertThat(events.poll()).isEqualTo("appeared " + dir);
            try (Beacon beacon = Beacon.open(dir.resolve("worker"), BeaconOption.TRUST_DIRECTORY)) {
                assertThat(states.poll(Processes.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Status.State.ALIVE);
                assertThat(next()).isEqualTo("created " + dir.resolve("worker"));
            }
            watcher.unwatch(dir.resolve("worker"));
            Files.createFile(dir.resolve("later"));
            assertThat(next()).as("the directory stays followed when its beacons go").isEqualTo("created " + dir.resolve("later"));
        }
    }
}
