package dev.lifeline.internal;

/**
 * One thread following many beacons, and the directories they live in, reporting each change.
 * {@link #add}, {@link #remove} and {@link #close} may be called from any thread.
 */
public interface WatchLoop extends AutoCloseable {
    /** Receives changes, on the loop thread. */
    interface Sink {
        /**
         * {@code id}'s outcome changed; {@code outcome} belongs to the loop and is reused after the
         * call returns.
         */
        void changed(int id, Outcome outcome);

        /**
         * The directory followed as {@code id} exists and is watched (or events about it were
         * lost): a listing made now misses nothing.
         */
        void directoryAppeared(int id);

        /** An entry named {@code name} (the kernel's bytes) was created in, or moved into, directory {@code id}. */
        void entryCreated(int id, byte[] name);
    }

    /** Starts following {@code path} as {@code id}; its first outcome is reported as a change. */
    void add(int id, NativePath path);

    /** Stops following {@code id}. */
    void remove(int id);

    /**
     * Follows the directory {@code dir} as {@code id}, existing or not (then from the moment it
     * appears, and again after it was removed and came back). Returns once the loop has looked:
     * for a directory that exists, {@link Sink#directoryAppeared} has run by then.
     */
    void followDirectory(int id, NativePath dir);

    /** Stops the loop, waits for its thread and releases everything. Idempotent. */
    @Override
    void close();
}
