package dev.lifeline.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The platform where lifeline has no backend: every call throws the same plain message. */
final class UnsupportedPlatform implements Platform {
    private final String message;

    UnsupportedPlatform(String message) {
        this.message = message;
    }

    private UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException(message);
    }

    @Override
    public void requireSupported() {
        throw unsupported();
    }

    @Override
    public Object nativeForm(byte[] bytes) {
        throw unsupported();
    }

    @Override
    public void probe(NativePath path, Outcome outcome) {
        throw unsupported();
    }

    @Override
    public int holderPid(NativePath path) {
        throw unsupported();
    }

    @Override
    public HeldBeacon hold(NativePath path, int mode, boolean exclusive) {
        throw unsupported();
    }

    @Override
    public DeathWatch deathWatch(NativePath path) {
        throw unsupported();
    }

    @Override
    public BirthWatch birthWatch(NativePath fifo, NativePath dir, int[] errno) {
        throw unsupported();
    }

    @Override
    public WatchLoop watchLoop(WatchLoop.Sink sink, int[] errno) {
        throw unsupported();
    }

    @Override
    public int spawn(HeldBeacon beacon, String program, List<String> argv, Map<String, String> env) {
        throw unsupported();
    }

    @Override
    public int exec(HeldBeacon beacon, String program, List<String> argv, Map<String, String> env) {
        throw unsupported();
    }

    @Override
    public int waitFor(int pid) {
        throw unsupported();
    }

    @Override
    public int reapAllBut(int keep) {
        throw unsupported();
    }

    @Override
    public int kill(int pid, int signal) {
        throw unsupported();
    }

    @Override
    public int notify(String address, String message) {
        throw unsupported();
    }

    @Override
    public List<Concern> concerns(Path beacon, boolean forProbe) {
        throw unsupported();
    }

    @Override
    public String errnoName(int errno) {
        return "errno " + errno;
    }

    @Override
    public String describe(int errno) {
        return "Unknown error " + errno;
    }
}
