package dev.lifeline.cli;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.SystemdNotify;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code --sd-notify} for {@code run} and {@code exec}: {@code READY=1} to systemd once the beacon
 * is held and its program started, and, for {@code run}, the beacon's heartbeats passed on as
 * {@code WATCHDOG=1}, so that a unit with {@code WatchdogSec=} restarts a daemon that stops
 * beating. A beat is a fresh {@code lastBeat} on a beacon that reads ALIVE: a HUNG or dead beacon
 * feeds no watchdog, and neither does a program that never beats.
 */
final class Notify {
    private Notify() {
    }

    /** The notifier, or empty with a warning when systemd gave no NOTIFY_SOCKET. */
    static Optional<SystemdNotify> fromEnvironment(PrintWriter err) {
        Optional<SystemdNotify> notify = SystemdNotify.fromEnvironment();
        if (notify.isEmpty()) {
            err.println("lifeline: warning: --sd-notify, but NOTIFY_SOCKET is not set: not started by systemd as Type=notify");
            err.flush();
        }
        return notify;
    }

    static void ready(SystemdNotify notify, PrintWriter err) {
        try {
            notify.ready();
        } catch (IOException e) {
            err.println("lifeline: warning: " + e.getMessage().replaceFirst("^lifeline: ", ""));
            err.flush();
        }
    }

    /**
     * Starts passing the beacon's beats on as WATCHDOG=1, checking at a quarter of the watchdog
     * interval, on a daemon platform thread. Does nothing without WATCHDOG_USEC for this process.
     */
    static void feedWatchdog(SystemdNotify notify, Path beacon) {
        Optional<Duration> interval = notify.watchdog();
        if (interval.isEmpty()) {
            return;
        }
        long periodNanos = Math.max(1_000_000L, interval.get().toNanos() / 4);
        Probe probe = Probe.of(beacon);
        Thread.ofPlatform().daemon().name("lifeline-sd-watchdog").start(() -> {
            Instant fed = Instant.EPOCH;
            for (;;) {
                Status status = probe.check();
                Optional<Instant> beat = status.lastBeat();
                if (status.state() == Status.State.ALIVE && beat.isPresent() && beat.get().isAfter(fed)) {
                    try {
                        notify.watchdogPing();
                        fed = beat.get();
                    } catch (IOException gone) {
                        return; // systemd's socket is gone: nobody left to tell
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(periodNanos); // a period, not a wait for an event
            }
        });
    }
}
