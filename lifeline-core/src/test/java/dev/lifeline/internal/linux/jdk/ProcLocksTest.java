package dev.lifeline.internal.linux.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The holder's pid from /proc/locks, against real POSIX locks that other processes hold (the
 * oracle: each locker's own pid): what F_GETLK on byte 0 would report, 0 where nobody but this
 * process holds one, and "unsure" (so the kernel is asked after all) where two others do.
 */
class ProcLocksTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A process holding a POSIX read lock on the whole of {@code file} (python's lockf is fcntl F_SETLK). */
    private static Running locker(Path file) {
        return Running.started(new ProcessBuilder("python3", "-c",
                "import fcntl, sys, time\n"
                        + "f = open(sys.argv[1], 'rb')\n"
                        + "fcntl.lockf(f, fcntl.LOCK_SH | fcntl.LOCK_NB, 0, 0)\n"
                        + "print('locked', flush=True)\n"
                        + "sys.stdin.read()\n",
                file.toString()), LIMIT);
    }

    private static long[] devIno(Path file) throws Exception {
        return new long[] {(Long) Files.getAttribute(file, "unix:dev"), (Long) Files.getAttribute(file, "unix:ino")};
    }

    /** /proc here is this process's namespace's: its own pid, as ProcessHandle has it. */
    @Test
    void thisProcessIsKnownByItsOwnPid() {
        assertThat(ProcLocks.selfInProcNamespace()).isEqualTo(ProcessHandle.current().pid());
    }

    /** NSpid lists the pid from /proc's namespace down to the process's: more than one, another namespace's /proc. */
    @Test
    void aProcOfAnotherPidNamespaceIsUnsure() {
        assertThat(ProcLocks.selfIn("Name:\tjava\nNSpid:\t42\nNSsid:\t1\n")).isEqualTo(42);
        assertThat(ProcLocks.selfIn("Name:\tjava\nNSpid:\t4242\t42\n")).as("/proc of a parent namespace").isEqualTo(-1);
        assertThat(ProcLocks.selfIn("Name:\tjava\nPid:\t42\n")).as("a kernel before 4.1").isEqualTo(-1);
        assertThat(ProcLocks.selfIn("Name:\tjava\nNSpid:\t\n")).isEqualTo(-1);
        assertThat(ProcLocks.selfIn("Name:\tjava\nNSpid:\tx\n")).isEqualTo(-1);
    }

    @Test
    void nobodyThenOneOtherThenTwoOthers() throws Exception {
        Path file = Files.writeString(dir.resolve("locked"), "x");
        long[] id = devIno(file);
        assertThat(ProcLocks.holderPid(id[0], id[1])).as("nobody holds a lock").isZero();
        List<Running> lockers = new ArrayList<>();
        try {
            lockers.add(locker(file));
            assertThat(ProcLocks.holderPid(id[0], id[1])).as("one other process").isEqualTo((int) lockers.get(0).pid());
            lockers.add(locker(file));
            assertThat(ProcLocks.holderPid(id[0], id[1])).as("two others: F_GETLK reports one, which is unknown here")
                    .isEqualTo(ProcLocks.UNSURE);
        } finally {
            lockers.forEach(Running::kill9);
        }
        assertThat(ProcLocks.holderPid(id[0], id[1])).as("the lockers are gone").isZero();
    }

    @Test
    void thisProcesssOwnLockIsNotReportedAndOtherFilesDoNotCount() throws Exception {
        Path file = Files.writeString(dir.resolve("mine"), "x");
        Path other = Files.writeString(dir.resolve("other"), "x");
        Running locker = locker(other);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                FileLock lock = channel.lock(0, Long.MAX_VALUE, true)) {
            long[] id = devIno(file);
            assertThat(lock.isValid()).isTrue();
            assertThat(ProcLocks.holderPid(id[0], id[1])).as("F_GETLK never reports the asking process's own lock").isZero();
            long[] otherId = devIno(other);
            assertThat(ProcLocks.holderPid(otherId[0], otherId[1])).isEqualTo((int) locker.pid());
        } finally {
            locker.kill9();
        }
    }
}
