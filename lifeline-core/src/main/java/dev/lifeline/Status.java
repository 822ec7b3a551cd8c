package dev.lifeline;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of one check of a beacon path: {@link State#ALIVE}, {@link State#HUNG},
 * {@link State#DEAD}, {@link State#ABSENT}, or {@link State#UNKNOWN} with the {@link Fault} that
 * kept lifeline from knowing. For a beacon whose holder beats ({@link Beacon#beat}), the status
 * also carries the time of the last beat and the deadline promised for the next. The answer is immediately outdated: it tells what was true at one instant during the
 * check, as {@link java.nio.file.Files#exists} does.
 *
 * <p>Concurrency: immutable; safe for concurrent use. A {@link Probe} hands out the same instance
 * for the same answer, so a steady stream of checks allocates nothing.
 */
public final class Status {
    /** What a check found. */
    public enum State {
        /**
         * A process holds the FIFO open for reading: the daemon lives. If its holder beats, the
         * deadline it promised for its next beat has not passed.
         */
        ALIVE,
        /**
         * A process holds the FIFO, but its holder promised to beat by a deadline that has
         * passed: alive, not well (deadlocked, stalled, stopped). Only a holder that beats can
         * be HUNG; others are ALIVE as long as they hold the FIFO.
         *
         * <p>File times are wall-clock times, and so is this verdict. A clock stepped forward
         * (NTP, by hand) can make a healthy holder look HUNG until its next beat, at most one beat
         * interval later; a clock stepped back delays HUNG by the size of the step. A last beat
         * that lies in the future (the clock went back since) is judged by its deadline like any
         * other: ALIVE while the deadline lies ahead, HUNG after. A holder that beats at a third
         * of its promise, as {@link Heartbeat} does, rewrites both times on the next beat and so
         * heals either error within a third of the promise.
         */
        HUNG,
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
    private final long beatMillis;
    private final long deadlineMillis;

    private Status(Path path, State state, Fault fault, String errno, String reason, long beatMillis,
            long deadlineMillis) {
        this.path = Objects.requireNonNull(path, "path");
        this.state = state;
        this.fault = fault;
        this.errno = errno;
        this.reason = reason;
        this.beatMillis = beatMillis;
        this.deadlineMillis = deadlineMillis;
    }

    /** No beat recorded: the sentinel for both times. */
    static final long NONE = Long.MIN_VALUE;

    static Status of(Path path, State state) {
        String reason = switch (state) {
            case ALIVE -> "a process holds the beacon";
            case HUNG -> throw new IllegalArgumentException("HUNG needs times");
            case DEAD -> "the beacon is there and nobody holds it";
            case ABSENT -> "there is no beacon";
            case UNKNOWN -> throw new IllegalArgumentException("UNKNOWN needs a fault");
        };
        return new Status(path, state, null, null, reason, NONE, NONE);
    }

    /** ALIVE or HUNG for a holder that promised {@code deadlineMillis} at its beat {@code beatMillis}. */
    static Status promised(Path path, State state, long beatMillis, long deadlineMillis) {
        String reason = state == State.HUNG
                ? "a process holds the beacon but missed the deadline it promised"
                : "a process holds the beacon and beats on time";
        return new Status(path, state, null, null, reason, beatMillis, deadlineMillis);
    }

    static Status unknown(Path path, Fault fault, String errno, String reason) {
        return new Status(path, State.UNKNOWN, Objects.requireNonNull(fault), errno, reason, NONE, NONE);
    }

    boolean hasTimes(State state, long beatMillis, long deadlineMillis) {
        return this.state == state && this.beatMillis == beatMillis && this.deadlineMillis == deadlineMillis;
    }

    /** The path that was checked, as it was given. */
    public Path path() {
        return path;
    }

    /** What the check found. */
    public State state() {
        return state;
    }

    /**
     * Whether a process held the beacon and was well: {@code state() == ALIVE}. False for HUNG,
     * although a process holds the beacon then too.
     */
    public boolean isAlive() {
        return state == State.ALIVE;
    }

    /** Why there is no answer; empty unless the state is {@link State#UNKNOWN}. */
    public Optional<Fault> fault() {
        return Optional.ofNullable(fault);
    }

    /**
     * When the holder last beat, for a beacon whose holder beats; empty otherwise. Millisecond
     * precision, wall-clock time.
     */
    public Optional<Instant> lastBeat() {
        return beatMillis == NONE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(beatMillis));
    }

    /** The deadline the holder promised for its next beat, for a beacon whose holder beats. */
    public Optional<Instant> deadline() {
        return deadlineMillis == NONE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(deadlineMillis));
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
                && reason.equals(other.reason)
                && beatMillis == other.beatMillis
                && deadlineMillis == other.deadlineMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, state, fault, errno, beatMillis, deadlineMillis);
    }

    /**
     * This status as one JSON object on one line: the object that {@code lifeline check --json}
     * prints, such as {@code {"path":"/run/x","status":"dead"}} or
     * {@code {"path":"/run/x","status":"alive","last_beat":"2026-...Z","deadline":"2026-...Z"}}.
     * Keys without a value are left out; strings are escaped so that the line is valid JSON
     * whatever the path's name holds. {@link StatusJson} says how, and writes the objects that
     * carry more keys around the same members.
     */
    public String toJson() {
        return StatusJson.of(this);
    }

    /**
     * {@code "ALIVE /run/x"}, {@code "HUNG /run/x (last beat 2026-...Z, deadline 2026-...Z)"}, or
     * {@code "UNKNOWN ACCESS_DENIED /run/x: open: Permission denied (EACCES)"}.
     */
    @Override
    public String toString() {
        // Human text: the path's exact bytes, escaped (Names), so that no name forges a line.
        String path = Names.printable(this.path);
        if (beatMillis != NONE) {
            return state + " " + path + " (last beat " + Instant.ofEpochMilli(beatMillis)
                    + ", deadline " + Instant.ofEpochMilli(deadlineMillis) + ")";
        }
        if (state != State.UNKNOWN) {
            return state + " " + path;
        }
        return state + " " + fault + " " + path + ": " + Names.printable(reason) + (errno != null ? " (" + errno + ")" : "");
    }
}
