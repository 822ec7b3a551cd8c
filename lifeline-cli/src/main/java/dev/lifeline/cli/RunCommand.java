package dev.lifeline.cli;

import dev.lifeline.Beacon;
import dev.lifeline.Handover;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline run PATH -- CMD ARGS...}: gives any program a beacon. Holds the beacon at PATH,
 * starts CMD as a child that inherits the beacon's descriptor (number 3, {@code LIFELINE_FD=3}),
 * lets go of it here, forwards SIGHUP, SIGINT and SIGTERM to the child, and exits with the
 * child's status. The beacon lives exactly as long as CMD does, even if this process is killed;
 * lifeline-core removes the FIFO once CMD exits by itself, and leaves it (DEAD) when a signal
 * killed CMD.
 *
 * <p>Its own failures use the codes of {@code env}, {@code nice} and {@code timeout}, which are
 * out of the way of the child's: 125 when lifeline itself fails (usage, beacon refused), 126 and
 * 127 when CMD cannot be executed or found. In those cases no beacon is left behind.
 */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnInvalidInput = LaunchOptions.EXIT_FAILED,
        exitCodeOnExecutionException = LaunchOptions.EXIT_FAILED,
        description = {
            "Holds a beacon at PATH for CMD: starts CMD as a child holding the beacon's descriptor"
                    + " (fd 3, LIFELINE_FD=3), forwards SIGHUP, SIGINT and SIGTERM to it, and exits with its status.",
            "The beacon lives exactly as long as CMD, even if lifeline is killed; it is removed when CMD"
                    + " exits by itself, and stays (dead) when a signal kills CMD.",
            "Put -- before CMD when CMD or its arguments begin with a dash."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "N:CMD's exit status: its exit code, or 128 + the signal that killed it",
            "125:lifeline failed: usage error, or the beacon could not be held (held by another,"
                    + " not a FIFO, ...); the reason is on stderr",
            "126:CMD was found but cannot be executed; no beacon is left",
            "127:CMD was not found; no beacon is left",
        })
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LaunchOptions launch;

    @Option(names = "--heartbeat-from", paramLabel = "FILE",
            description = "Beat for CMD each time FILE's modification time moves (CMD touches or writes it as it"
                    + " makes progress), promising --heartbeat: a CMD whose progress stops reads HUNG.")
    Path heartbeatFrom;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = Converters.HeartbeatConverter.class,
            description = "With --heartbeat-from: the promise each beat makes (such as 30s).")
    java.time.Duration heartbeat;

    @Option(names = "--sd-notify",
            description = "Tell systemd READY=1 once CMD runs holding the beacon, and pass the beacon's beats on as"
                    + " WATCHDOG=1 (for Type=notify units with WatchdogSec=).")
    boolean sdNotify;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if ((heartbeatFrom == null) != (heartbeat == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--heartbeat-from FILE and --heartbeat DURATION go together");
        }
        // Handlers go in before the child starts: a signal meant for it that arrives while it is
        // being started is kept and delivered once it runs.
        AtomicReference<Handover> child = new AtomicReference<>();
        AtomicReference<Integer> pending = new AtomicReference<>();
        Signals.forward(child, pending);

        Beacon beacon;
        try {
            beacon = launch.open(err, "run");
        } catch (LaunchOptions.Refused r) {
            return r.exitCode;
        }
        Handover handover;
        try {
            handover = beacon.spawn(launch.command);
        } catch (IOException e) {
            return launch.cannotStart(err, "run", beacon, e);
        }
        child.set(handover);
        // As a container's entrypoint (PID 1), run is its init: orphans come to it to be reaped.
        handover.reapOrphansAsInit();
        if (heartbeatFrom != null) {
            Progress.follow(handover, heartbeatFrom, heartbeat);
        }
        if (sdNotify) {
            Notify.fromEnvironment(err).ifPresent(n -> {
                Notify.ready(n, err);
                Notify.feedWatchdog(n, launch.path);
            });
        }
        Integer signal = pending.getAndSet(null);
        if (signal != null) {
            Signals.send(handover, signal);
        }
        return handover.waitFor();
    }

    /** Forwarding of the stop signals to the child. */
    // sun.misc.Signal lives in jdk.unsupported, kept for exactly this use (see HoldCommand).
    static final class Signals {
        private Signals() {
        }

        /** SIGHUP, SIGINT and SIGTERM go to the child once there is one; until then the last is kept. */
        static void forward(AtomicReference<Handover> child, AtomicReference<Integer> pending) {
            for (String name : List.of("HUP", "INT", "TERM")) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                        Handover handover = child.get();
                        if (handover != null) {
                            send(handover, signal.getNumber());
                            return;
                        }
                        pending.set(signal.getNumber());
                        // The child may have been set meanwhile, after its starter took the
                        // pending signal: whoever takes it now delivers it, so it is never lost.
                        handover = child.get();
                        Integer mine = handover == null ? null : pending.getAndSet(null);
                        if (mine != null) {
                            send(handover, mine);
                        }
                    });
                } catch (IllegalArgumentException inUse) {
                    // owned by the JVM (-Xrs): that signal keeps its default behaviour
                }
            }
        }

        static void send(Handover handover, int signal) {
            try {
                handover.signal(signal);
            } catch (IOException ended) {
                // the child is gone already: its status is on its way to waitFor
            }
        }
    }
}
