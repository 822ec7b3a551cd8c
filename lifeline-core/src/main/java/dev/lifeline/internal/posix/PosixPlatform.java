package dev.lifeline.internal.posix;

import dev.lifeline.internal.Concern;
import dev.lifeline.internal.HeldBeacon;
import dev.lifeline.internal.HoldException;
import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.Outcome;
import dev.lifeline.internal.Platform;
import java.nio.file.Path;
import java.util.List;

/**
 * What every POSIX backend shares: the FIFO protocol (probe, holder pid, hold) over the backend's
 * {@link Syscalls}, the strict checks, and errno's names. A backend extends it with the calls of
 * its own kernel (waits, watching, spawning), as Netty's per-OS transports extend common code.
 */
public abstract class PosixPlatform implements Platform {
    protected final Fifos fifos;
    private final FifoProbe probe;

    protected PosixPlatform(Syscalls sys) {
        this.fifos = new Fifos(sys);
        this.probe = new FifoProbe(fifos);
        // Load now what reporting a failure needs: with the descriptor table full (EMFILE) a class
        // could no longer be read from a jar or directory, and the report would be a
        // NoClassDefFoundError instead of TOO_MANY_OPEN_FILES.
        Errno.describe(Errno.EMFILE);
        Outcome.describeType(0);
    }

    @Override
    public void requireSupported() {
        // served: nothing to say
    }

    @Override
    public final void probe(NativePath path, Outcome outcome) {
        probe.probe(path, outcome);
    }

    @Override
    public final int holderPid(NativePath path) {
        return probe.holderPid(path);
    }

    @Override
    public final HeldBeacon hold(NativePath path, int mode, boolean exclusive) throws HoldException {
        // Made per hold, which is rare, so that a process that only checks never loads the holder's classes.
        return new FifoHold(fifos).hold(path, mode, exclusive);
    }

    @Override
    public final List<Concern> concerns(Path beacon, boolean forProbe) {
        // A probe's concerns never name this process's user (only a holder's do): no need to ask.
        return Strict.concerns(beacon, forProbe ? -1 : Strict.euid(fifos.sys), forProbe);
    }

    @Override
    public final String errnoName(int errno) {
        return Errno.name(errno);
    }

    @Override
    public final String describe(int errno) {
        return Errno.describe(errno);
    }
}
