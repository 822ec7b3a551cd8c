package dev.lifeline.internal.linux;

import dev.lifeline.internal.BirthWatch;
import dev.lifeline.internal.DeathWatch;
import dev.lifeline.internal.HeldBeacon;
import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.WatchLoop;
import dev.lifeline.internal.posix.PosixPlatform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;

/**
 * Linux on x86_64 and aarch64, through the FFM API: the only package of lifeline that touches
 * {@code java.lang.foreign}. Made once, by {@code Platforms}, by name.
 */
public final class LinuxPlatform extends PosixPlatform {
    public LinuxPlatform() {
        super(new LinuxSyscalls());
        NativeAccess.warnIfMissing();
        // Loaded now, for the reason PosixPlatform loads what a failure report needs: a wait
        // started with the descriptor table full must say so, not fail to load its class.
        DeathWait.class.getName();
        BirthWait.class.getName();
        Wakeup.class.getName();
        Polls.class.getName();
    }

    /** A NUL-terminated copy in an automatic arena: it lives exactly as long as its path. */
    @Override
    public Object nativeForm(byte[] bytes) {
        MemorySegment segment = Arena.ofAuto().allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        segment.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return segment;
    }

    @Override
    public DeathWatch deathWatch(NativePath path) {
        return DeathWait.open(fifos, path);
    }

    @Override
    public BirthWatch birthWatch(NativePath fifo, NativePath dir, int[] errno) {
        return BirthWait.open(fifo, dir, errno);
    }

    @Override
    public WatchLoop watchLoop(WatchLoop.Sink sink, int[] errno) {
        return EpollLoop.start(sink, this, fifos, errno);
    }

    @Override
    public int spawn(HeldBeacon beacon, String program, List<String> argv, Map<String, String> env) {
        return Spawner.spawn(beacon.descriptor(), program, argv, env);
    }

    @Override
    public int exec(HeldBeacon beacon, String program, List<String> argv, Map<String, String> env) {
        return Spawner.exec(beacon.descriptor(), program, argv, env);
    }

    @Override
    public int waitFor(int pid) {
        return Children.waitFor(pid);
    }

    @Override
    public int reapAllBut(int keep) {
        return Children.reapAllBut(keep);
    }

    @Override
    public int kill(int pid, int signal) {
        return Children.kill(pid, signal);
    }

    @Override
    public int notify(String address, String message) {
        return Datagram.send(address, message);
    }
}
