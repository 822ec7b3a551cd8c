package dev.lifeline;

import dev.lifeline.internal.Platform;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * systemd's notification protocol ({@code sd_notify(3)}), for a daemon or a wrapper that holds
 * a beacon: {@code READY=1} once the beacon is held, so a {@code Type=notify} unit is started
 * exactly when its daemon can be seen alive; {@code WATCHDOG=1} with each heartbeat, so a unit
 * with {@code WatchdogSec=} restarts a daemon that stops beating.
 *
 * <pre>{@code
 * SystemdNotify.fromEnvironment().ifPresent(n -> n.ready());
 * }</pre>
 *
 * <p>Concurrency: immutable; safe for concurrent use.
 */
public final class SystemdNotify {
    private final String socket;
    private final Duration watchdog;

    private SystemdNotify(String socket, Duration watchdog) {
        this.socket = socket;
        this.watchdog = watchdog;
    }

    /**
     * The notifier systemd set up for this process, from {@code NOTIFY_SOCKET}; empty when not
     * started by systemd as a notify service.
     *
     * @return the notifier, if any
     */
    public static Optional<SystemdNotify> fromEnvironment() {
        return from(System.getenv(), ProcessHandle.current().pid());
    }

    /**
     * As {@link #fromEnvironment()}, from the given environment, for the process {@code pid}.
     * {@code WATCHDOG_USEC} counts only if {@code WATCHDOG_PID} is unset or names {@code pid}, as
     * sd_watchdog_enabled(3) says: a watchdog meant for another process is not ours to feed.
     *
     * @param env an environment
     * @param pid the process that will send
     * @return the notifier, if {@code NOTIFY_SOCKET} is set
     */
    public static Optional<SystemdNotify> from(Map<String, String> env, long pid) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return Optional.empty();
        }
        Duration watchdog = null;
        String usec = env.get("WATCHDOG_USEC");
        String forPid = env.get("WATCHDOG_PID");
        if (usec != null && (forPid == null || forPid.equals(Long.toString(pid)))) {
            try {
                long micros = Long.parseLong(usec);
                if (micros > 0) {
                    watchdog = Duration.ofNanos(Math.multiplyExact(micros, 1000L));
                }
            } catch (NumberFormatException | ArithmeticException malformed) {
                watchdog = null; // systemd never sends these: treat as no watchdog
            }
        }
        return Optional.of(new SystemdNotify(socket, watchdog));
    }

    /**
     * The interval within which systemd expects {@code WATCHDOG=1}, if it set one for this process.
     *
     * @return {@code WATCHDOG_USEC}, when it applies to this process
     */
    public Optional<Duration> watchdog() {
        return Optional.ofNullable(watchdog);
    }

    /**
     * Sends {@code READY=1}.
     *
     * @throws IOException if the datagram cannot be sent
     */
    public void ready() throws IOException {
        send("READY=1");
    }

    /**
     * Sends {@code WATCHDOG=1}.
     *
     * @throws IOException if the datagram cannot be sent
     */
    public void watchdogPing() throws IOException {
        send("WATCHDOG=1");
    }

    /**
     * Sends one notification: newline-separated {@code KEY=VALUE} assignments, such as
     * {@code "READY=1\nMAINPID=1234"}.
     *
     * @param state the assignments
     * @throws IOException if the datagram cannot be sent
     */
    public void send(String state) throws IOException {
        int r = Platform.current().notify(socket, state);
        if (r < 0) {
            throw Failures.io("sd_notify to " + socket, -r);
        }
    }

    @Override
    public String toString() {
        return "SystemdNotify[" + socket + (watchdog == null ? "" : ", watchdog " + watchdog) + "]";
    }
}
