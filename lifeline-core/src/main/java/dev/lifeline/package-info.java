/**
 * Is the daemon alive? One non-blocking {@code open} of a named pipe answers.
 *
 * <p>A daemon holds a {@link dev.lifeline.Beacon}: a FIFO at a well-known path, opened for
 * reading at start-up and held for its whole life. A checker uses a {@link dev.lifeline.Probe}:
 * it opens the same path for writing without blocking, which the kernel allows only while some
 * process holds the read end. The kernel closes the descriptor however the daemon ends, so the
 * answer never goes stale and a reused PID cannot fool it.
 *
 * <pre>{@code
 * // daemon
 * try (Beacon beacon = Beacon.open(Path.of("/run/lifeline/worker"), BeaconOption.EXCLUSIVE)) {
 *     serve();
 * }
 *
 * // checker, anywhere on the host
 * Status status = Lifeline.check(Path.of("/run/lifeline/worker"));
 * switch (status.state()) {
 *     case ALIVE -> ...;
 *     case DEAD -> ...;    // the FIFO is there, nobody holds it: the daemon died
 *     case ABSENT -> ...;  // never started, or shut down cleanly
 *     case UNKNOWN -> log(status);  // not a FIFO, permission denied, ...: never a verdict
 * }
 * }</pre>
 *
 * <p>Native access: lifeline calls the C library through {@code java.lang.foreign}. Start the JVM
 * with {@code --enable-native-access=dev.lifeline} (module path) or
 * {@code --enable-native-access=ALL-UNNAMED} (class path) to avoid the JDK's warning.
 * Supported platforms: Linux on x86_64 and aarch64.
 */
package dev.lifeline;
