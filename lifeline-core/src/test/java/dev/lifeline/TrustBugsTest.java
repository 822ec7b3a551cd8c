package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bugs found by the trust tests (issue 7), each a failing test until fixed:
 * <ol>
 * <li>A stale FIFO keeps the signed times of its last holder's last beat, so a new holder that
 *     takes it over reads HUNG before it ever beats, and forever if it never does;
 *     Status.State.HUNG says "Only a holder that beats can be HUNG".
 * <li>The watcher never reports HUNG for a holder it first saw before its first beat: IN_ATTRIB is
 *     ignored while the last state is plain ALIVE (WatchLoop.matters), so no deadline timer is set.
 * <li>The watcher keeps saying ALIVE when a held beacon's name is removed: its directory mask
 *     (WatchLoop.DIR_MASK) has no IN_DELETE / IN_MOVED_FROM; probes say ABSENT meanwhile.
 * <li>Beacon.open that fails with EMFILE leaves a FIFO it created at the path: probes then say DEAD
 *     for a daemon that never started (Fifo.hold's plain mkfifo path does not remove its own FIFO
 *     when the open after it fails).
 * </ol>
 */
class TrustBugsTest {
    @TempDir
    Path dir;

    @Test
    void aHolderThatNeverBeatIsNotHungByItsPredecessorsPromise() throws Exception {
        Path path = dir.resolve("b");
        try (Running first = Processes.start("soak", path.toString(), "beat")) {
            assertThat(first.nextLine()).isEqualTo("held");
            first.process().getOutputStream().write("beat 1\n".getBytes());
            first.process().getOutputStream().flush();
            assertThat(first.nextLine()).startsWith("beat ");
            first.kill9(); // crashed: the FIFO stays, with the promise of its last beat
        }
        Processes.await("the crashed holder's FIFO is stale", () -> Probe.of(path).check().state(),
                s -> s == Status.State.DEAD);
        for (BeaconOption[] options : java.util.List.of(new BeaconOption[0], new BeaconOption[] {BeaconOption.EXCLUSIVE})) {
            try (Beacon restarted = Beacon.open(path, options)) {
                Status status = Probe.of(path).check();
                assertThat(status.state()).as("a restarted holder that has not beaten yet").isEqualTo(Status.State.ALIVE);
                assertThat(status.deadline()).as("no promise of its own").isEmpty();
            }
        }
    }

    @Test
    void theWatcherReportsHungForAHolderWhoseFirstBeatCameAfterItLooked() throws Exception {
        Path path = dir.resolve("b");
        BlockingQueue<Watcher.Change> changes = new LinkedBlockingQueue<>();
        try (Beacon beacon = Beacon.open(path); Watcher watcher = Watcher.start(changes::add)) {
            watcher.watch(path);
            Watcher.Change first = changes.poll(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.status().state()).isEqualTo(Status.State.ALIVE);
            beacon.beat(Duration.ofMillis(100)); // and never again
            Watcher.Change hung = changes.poll(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(Probe.of(path).check().state()).as("what a probe says meanwhile").isEqualTo(Status.State.HUNG);
            assertThat(hung).as("the watcher's report of the missed deadline").isNotNull();
            assertThat(hung.status().state()).isEqualTo(Status.State.HUNG);
        }
    }

    @Test
    void theWatcherNoticesAHeldBeaconsNameRemoved() throws Exception {
        Path path = dir.resolve("b");
        BlockingQueue<Watcher.Change> changes = new LinkedBlockingQueue<>();
        try (Running holder = Processes.start("hold", path.toString());
                Watcher watcher = Watcher.start(changes::add)) {
            assertThat(holder.nextLine()).isEqualTo("held");
            watcher.watch(path);
            assertThat(changes.poll(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS).status().state())
                    .isEqualTo(Status.State.ALIVE);
            java.nio.file.Files.delete(path);
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ABSENT);
            Watcher.Change gone = changes.poll(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(gone).as("the watcher's report that the path names nothing").isNotNull();
            assertThat(gone.status().state()).isEqualTo(Status.State.ABSENT);
        }
    }

    @Test
    void aBeaconOpenRefusedForWantOfDescriptorsLeavesNothingBehind() throws Exception {
        Path path = dir.resolve("beacon");
        try (Running child = Processes.startWrapped(java.util.List.of("prlimit", "--nofile=256:256", "--"),
                System.getProperty("java.class.path"), "exhaust-open", path.toString())) {
            assertThat(child.nextLine()).startsWith("refused TOO_MANY_OPEN_FILES EMFILE nothing-left=true files=0 after ");
        }
    }
}
