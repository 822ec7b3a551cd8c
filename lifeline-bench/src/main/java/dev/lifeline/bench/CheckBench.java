package dev.lifeline.bench;

import dev.lifeline.Status;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One liveness check per operation, lifeline against the alternatives, all against the same
 * daemon: a separate process ({@link Daemon} serve) started in {@link Env#start()} and ended in
 * {@link Env#stop()}. Setup fails loudly if any check does not answer "alive" (or, for the stale
 * beacon, DEAD): a fast wrong answer measures nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class CheckBench {
    /** The daemon and the prepared checks, shared by every thread of a benchmark. */
    @State(Scope.Benchmark)
    public static class Env {
        ServedDaemon daemon;
        Checks checks;

        @Setup(Level.Trial)
        public void start() throws IOException {
            daemon = ServedDaemon.start();
            checks = new Checks(daemon);
            for (String kind : Checks.KINDS) {
                if (!checks.run(kind)) {
                    throw new IllegalStateException(kind + " does not see the daemon as it is");
                }
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            checks.close();
            daemon.close();
        }
    }

    @Benchmark
    public Status lifelineLive(Env env) {
        return env.checks.lifelineLive();
    }

    @Benchmark
    public Status lifelineDead(Env env) {
        return env.checks.lifelineDead();
    }

    /**
     * {@link #lifelineLive} through the JNA backend (Java 17 to 21's), in a fork of its own on this
     * same JDK: side by side with FFM's in one run (bench/floor.sh).
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dlifeline.backend=jna"})
    public Status lifelineLiveJna(Env env) {
        return env.checks.lifelineLive();
    }

    /** {@link #lifelineDead} through the JNA backend. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dlifeline.backend=jna"})
    public Status lifelineDeadJna(Env env) {
        return env.checks.lifelineDead();
    }

    @Benchmark
    @Threads(2)
    public Status lifelineLive2Threads(Env env) {
        return env.checks.lifelineLive();
    }

    @Benchmark
    @Threads(2)
    public Status lifelineDead2Threads(Env env) {
        return env.checks.lifelineDead();
    }

    @Benchmark
    public boolean pidFileVerified(Env env) throws IOException {
        return env.checks.pidFileVerified();
    }

    @Benchmark
    public boolean processHandleIsAlive(Env env) {
        return env.checks.processHandleIsAlive();
    }

    @Benchmark
    public boolean unixSocketConnect(Env env) throws IOException {
        return env.checks.unixSocketConnect();
    }

    @Benchmark
    public boolean tcpConnect(Env env) throws IOException {
        return env.checks.tcpConnect();
    }

    @Benchmark
    public boolean lockFileTryLock(Env env) throws IOException {
        return env.checks.lockFileTryLock();
    }

    @Benchmark
    public boolean lockFileTryLockOpenOnce(Env env) throws IOException {
        return env.checks.lockFileTryLockOpenOnce();
    }
}
