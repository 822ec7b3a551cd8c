package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lifeline and C programs speak the same protocol, on the JDK under test (this suite runs on 25
 * and on 17): a holder and a probe written in C (src/test/c), compiled here with gcc (which
 * ./run-tests installs; without it this test fails, it does not skip), against a beacon held by
 * a Java program in a JVM of its own and against the C holder's FIFOs, checked by this JVM.
 */
class InteropTest {
    private static final Path SOURCES = Path.of("src", "test", "c");

    @TempDir
    static Path bin;

    @TempDir
    Path dir;

    private static Path holder;
    private static Path probe;

    @BeforeAll
    static void compile() {
        holder = gcc("holder");
        probe = gcc("probe");
    }

    private static Path gcc(String name) {
        Path out = bin.resolve(name);
        Running.Result cc = Running.run(List.of("gcc", "-Wall", "-Wextra", "-Werror", "-O2", "-o", out.toString(),
                SOURCES.resolve(name + ".c").toString()), null, Map.of(), Processes.DEADLINE);
        assertThat(cc.exitCode()).as("gcc %s.c\n%s", name, cc).isZero();
        return out;
    }

    private static String cProbe(Path path) {
        Running.Result r = Running.run(List.of(probe.toString(), path.toString()), null, Map.of(), Processes.DEADLINE);
        assertThat(r.exitCode()).as("%s", r).isZero();
        return r.stdout().strip();
    }

    private static Running cHolder(Path path, String... mode) {
        List<String> command = new java.util.ArrayList<>(List.of(holder.toString(), path.toString()));
        command.addAll(List.of(mode));
        Running running = Running.started(new ProcessBuilder(command), Processes.DEADLINE);
        assertThat(running.line()).as("the C holder's first line").isEqualTo("held");
        return running;
    }

    private static void cMake(Path path, String kind) {
        Running.Result r = Running.run(List.of(holder.toString(), path.toString(), kind), null, Map.of(), Processes.DEADLINE);
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).isEqualTo("made\n");
    }

    @Test
    void aJavaHolderIsAliveToTheCProbeAndDeadAfterKill9() {
        Path path = dir.resolve("java-held");
        assertThat(cProbe(path)).startsWith("ERROR 2 "); // ENOENT: nothing there yet
        try (Running java = Running.holder(Processes.DEADLINE, List.of(), path)) {
            assertThat(cProbe(path)).isEqualTo("ALIVE");
            java.kill9();
            assertThat(cProbe(path)).isEqualTo("DEAD");
        }
    }

    @Test
    void aJavaHolderLettingGoIsDeadOrAbsentToTheCProbe() throws IOException {
        Path path = dir.resolve("java-closed");
        try (Running java = Running.holder(Processes.DEADLINE, List.of(), path)) {
            assertThat(cProbe(path)).isEqualTo("ALIVE");
            assertThat(java.finish()).isZero();
            assertThat(cProbe(path)).as("the beacon is removed on close").startsWith("ERROR 2 ");
        }
    }

    @Test
    void theJavaProbeSeesACHolderAliveAndDeadAfterKill9() {
        Path path = dir.resolve("c-held");
        try (Running c = cHolder(path)) {
            Status alive = Probe.of(path).check();
            assertThat(alive.state()).as("%s", alive).isEqualTo(Status.State.ALIVE);
            assertThat(alive.deadline()).as("no promise written").isEmpty();
            assertThat(Probe.of(path).holderPid()).as("a holder that takes no lock announces no pid").isEmpty();
            c.kill9();
        }
        assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.DEAD);
    }

    @Test
    void theJavaProbeReadsTheCHoldersBeats() {
        Path promised = dir.resolve("c-promised");
        try (Running c = cHolder(promised, "promise")) {
            Status status = Probe.of(promised).check();
            assertThat(status.state()).as("%s", status).isEqualTo(Status.State.ALIVE);
            assertThat(status.deadline()).as("the promise the C holder wrote").isPresent();
        }
        Path hung = dir.resolve("c-hung");
        try (Running c = cHolder(hung, "hung")) {
            Status status = Probe.of(hung).check();
            assertThat(status.state()).as("%s", status).isEqualTo(Status.State.HUNG);
            c.kill9();
        }
        assertThat(Probe.of(hung).check().state()).isEqualTo(Status.State.DEAD);
    }

    @Test
    void theJavaProbeJudgesWhatTheCSideMade() throws IOException {
        assertThat(Probe.of(dir.resolve("nothing")).check().state()).isEqualTo(Status.State.ABSENT);
        Path fifo = dir.resolve("c-fifo");
        cMake(fifo, "fifo");
        assertThat(Probe.of(fifo).check().state()).as("a FIFO nobody holds").isEqualTo(Status.State.DEAD);
        assertThat(cProbe(fifo)).isEqualTo("DEAD");
        Path file = dir.resolve("c-file");
        cMake(file, "file");
        assertThat(Files.isRegularFile(file)).isTrue();
        Status notFifo = Probe.of(file).check();
        assertThat(notFifo.state()).as("%s", notFifo).isEqualTo(Status.State.UNKNOWN);
        assertThat(notFifo.fault()).contains(Fault.NOT_A_FIFO);
    }
}
