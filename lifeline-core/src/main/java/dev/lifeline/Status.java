package dev.lifeline;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of one check of a beacon path: {@link State#ALIVE}, {@link State#DEAD},
 * {@link State#ABSENT}, or {@link State#UNKNOWN} with the {@link Fault} that kept lifeline from
 * knowing. The answer is immediately outdated: it tells what was true at one instant during the
 * check, as {@link java.nio.file.Files#exists} does.
 *
 * <p>Concurrency: immutable; safe for concurrent use. A {@link Probe} hands out the same instance
 * for the same answer, so a steady stream of checks allocates nothing.
 */
public final class Status {
    /** What a check found. */
    public enum State {
        /** A process holds the FIFO open for reading: the daemon lives. */
        ALIVE,
        /** A FIFO is at the path and nobody holds it: the daemon is gone (a stale beacon). */
        DEAD,
        /** Nothing is at the path, or a directory on the way to it is missing. */
        ABSENT,
        /** No answer could be had; {@link Status#fault()} says why. Never a verdict of death. */
        UNKNOWN
    }

    private final Path path;
    private final State state;
    private final Fault fault;
    private final String errno;
    private final String reason;

    private Status(Path path, State state, Fault fault, String errno, String reason) {
        this.path = Objects.requireNonNull(path, "path");
        this.state = state;
        this.fault = fault;
        this.errno = errno;
        this.reason = reason;
    }

    static Status of(Path path, State state) {
        String reason = switch (state) {
            case ALIVE -> "a process holds the beacon";
            case DEAD -> "the beacon is there and nobody holds it";
            case ABSENT -> "there is no beacon";
            case UNKNOWN -> throw new IllegalArgumentException("UNKNOWN needs a fault");
        };
        return new Status(path, state, null, null, reason);
    }

    static Status unknown(Path path, Fault fault, String errno, String reason) {
        return new Status(path, State.UNKNOWN, Objects.requireNonNull(fault), errno, reason);
    }

    /** The path that was checked, as it was given. */
    public Path path() {
        return path;
    }

    /** What the check found. */
    public State state() {
        return state;
    }

    /** Whether a process held the beacon: {@code state() == ALIVE}. */
    public boolean isAlive() {
        return state == State.ALIVE;
    }

    /** Why there is no answer; empty unless the state is {@link State#UNKNOWN}. */
    public Optional<Fault> fault() {
        return Optional.ofNullable(fault);
    }

    /** The C name of the error behind an UNKNOWN answer, such as {@code "EACCES"}, if there was one. */
    public Optional<String> errno() {
        return Optional.ofNullable(errno);
    }

    /** A short human explanation, such as {@code "open: Permission denied"}. */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Status other
                && path.equals(other.path)
                && state == other.state
                && fault == other.fault
                && Objects.equals(errno, other.errno)
                && reason.equals(other.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, state, fault, errno);
    }

    /** {@code "ALIVE /run/x"}, or {@code "UNKNOWN /run/x: open: Permission denied (EACCES)"}. */
    @Override
    public String toString() {
        if (state != State.UNKNOWN) {
            return state + " " + path;
        }
        return state + " " + path + ": " + reason + (errno != null ? " (" + errno + ")" : "");
    }
}
