package dev.lifeline.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything lifeline asks of an operating system, in lifeline's own terms: the seam between the
 * public API and the native layer. The public classes reach native code through this interface
 * alone, and it names no type of {@code java.lang.foreign} nor of any backend, so a backend (the
 * FFM one for Linux in {@code internal.linux}; later one for macOS in {@code internal.darwin}) is
 * a package of its own that nothing else refers to.
 *
 * <p>Chosen once per JVM ({@link #current()}): a {@code static final} with one implementation
 * loaded, so the JIT inlines every call as if it were static.
 *
 * <p>Failures: calls on a hot path, or whose failure is an answer, return minus errno (lifeline's
 * numbering, that of {@code internal.posix.Errno}; {@link #errnoName} and {@link #describe} say
 * what it is); the holder's refusals are {@link HoldException}s. The public package turns either
 * into its own terms in one place ({@code dev.lifeline.Failures}).
 */
public interface Platform {
    /** The platform of this JVM: decided once, at first use. */
    static Platform current() {
        return Platforms.CURRENT;
    }

    /**
     * Throws, with a plain message, on a platform lifeline does not serve.
     *
     * @throws UnsupportedOperationException naming the operating system and architecture
     */
    void requireSupported();

    /** The form of {@code bytes} (a path, no NUL) that this backend's calls take; made once per path. */
    Object nativeForm(byte[] bytes);

    /** Checks the FIFO at {@code path} into {@code outcome}. Never throws for what the file system says. */
    void probe(NativePath path, Outcome outcome);

    /** The pid of a lifeline holder of the FIFO at {@code path}; 0 if none is known; minus errno. */
    int holderPid(NativePath path);

    /** Creates or takes over the FIFO at {@code path} and holds it, shared or exclusive. */
    HeldBeacon hold(NativePath path, int mode, boolean exclusive) throws HoldException;

    /** A wait for the death of the FIFO's holder; null if nobody holds it now (then probe it). */
    DeathWatch deathWatch(NativePath path);

    /** A wait for a holder of {@code fifo}, whose directory is {@code dir}; minus errno as {@code errno[0]} and null if none can be had. */
    BirthWatch birthWatch(NativePath fifo, NativePath dir, int[] errno);

    /** A thread following many beacons, reporting to {@code sink}; null with {@code errno[0]} set if it cannot start. */
    WatchLoop watchLoop(WatchLoop.Sink sink, int[] errno);

    /** Starts {@code program} holding {@code beacon} as descriptor 3; the child's pid, or minus errno. */
    int spawn(HeldBeacon beacon, String program, List<String> argv, Map<String, String> env);

    /** Replaces this process with {@code program}, which keeps {@code beacon}; returns minus errno only on failure. */
    int exec(HeldBeacon beacon, String program, List<String> argv, Map<String, String> env);

    /** Waits for the child {@code pid}: its exit code, or 128 + the signal that ended it; minus errno. */
    int waitFor(int pid);

    /** Reaps every child that ends, but {@code keep}, until {@code keep} ends; 0 or minus errno. */
    int reapAllBut(int keep);

    /** Sends {@code signal} to {@code pid}: 0 or minus errno. */
    int kill(int pid, int signal);

    /** Sends one datagram to the Unix socket at {@code address}, as sd_notify does: 0 or minus errno. */
    int notify(String address, String message);

    /** What the strict checks find unsafe about the place of {@code beacon}; empty when all is well. */
    List<Concern> concerns(Path beacon, boolean forProbe);

    /** The C name of {@code errno}, such as {@code "ENXIO"}. */
    String errnoName(int errno);

    /** The C library's description of {@code errno}, such as {@code "No such device or address"}. */
    String describe(int errno);
}
