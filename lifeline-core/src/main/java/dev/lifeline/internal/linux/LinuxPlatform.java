package dev.lifeline.internal.linux;

import dev.lifeline.internal.BirthWatch;
import dev.lifeline.internal.DeathWatch;
import dev.lifeline.internal.HeldBeacon;
import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.WatchLoop;
import dev.lifeline.internal.posix.PosixPlatform;
import java.util.List;
import java.util.Map;

/**
 * Linux on x86_64 and aarch64: the Linux logic of this package over one {@link LinuxCalls}
 * backend, chosen once by {@link Backends}. Made once, by {@code Platforms}, by name.
 */
public final class LinuxPlatform extends PosixPlatform {
    private final LinuxCalls calls;

    /**
     * @throws UnsupportedOperationException when no backend serves this JVM (JNA missing on Java
     *     17 to 21), with the message that says what to add
     */
    public LinuxPlatform() {
        this(Backends.choose());
    }

    private LinuxPlatform(LinuxCalls calls) {
        super(calls);
        this.calls = calls;
        calls.warnIfNoAccess();
        // Loaded now, for the reason PosixPlatform loads what a failure report needs: a wait
        // started with the descriptor table full must say so, not fail to load its class.
        DeathWait.class.getName();
        BirthWait.class.getName();
        Wakeup.class.getName();
        Polls.class.getName();
    }

    /** Which backend serves this JVM, as {@code lifeline.backend} names it: {@code ffm}, {@code jna} or {@code jdk}. */
    public String backend() {
        return Backends.name(calls);
    }

    @Override
    public Object nativeForm(byte[] bytes) {
        return calls.nativeForm(bytes);
    }

    @Override
    public DeathWatch deathWatch(NativePath path) {
        return DeathWait.open(calls, fifos, path);
    }

    @Override
    public BirthWatch birthWatch(NativePath fifo, NativePath dir, int[] errno) {
        return BirthWait.open(calls, fifo, dir, errno);
    }

    @Override
    public WatchLoop watchLoop(WatchLoop.Sink sink, int[] errno) {
        return EpollLoop.start(calls, sink, this, fifos, errno);
    }

    @Override
    public int spawn(HeldBeacon beacon, String program, List<String> argv, Map<String, String> env) {
        return Spawner.spawn(calls, beacon.descriptor(), program, argv, env);
    }

    @Override
    public int exec(HeldBeacon beacon, String program, List<String> argv, Map<String, String> env) {
        return Spawner.exec(calls, beacon.descriptor(), program, argv, env);
    }

    @Override
    public int waitFor(int pid) {
        return Children.waitFor(calls, pid);
    }

    @Override
    public int reapAllBut(int keep) {
        return Children.reapAllBut(calls, keep);
    }

    @Override
    public int kill(int pid, int signal) {
        return calls.kill(calls.state(), pid, signal);
    }

    @Override
    public int notify(String address, String message) {
        return Datagram.send(calls, address, message);
    }
}
