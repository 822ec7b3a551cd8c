package dev.lifeline.cli;

import dev.lifeline.Beacon;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline exec PATH -- CMD ARGS...}: chain-loading in the daemontools tradition. Holds the
 * beacon at PATH, then becomes CMD with {@code execve}: same process, same PID, and the beacon's
 * descriptor kept across the exec under the number it already had, named by {@code LIFELINE_FD}
 * (unlike {@code run}, whose child gets it as 3). No JVM stays behind; CMD's
 * own process holds its beacon for its whole life.
 *
 * <p>Exit codes are CMD's once it runs. Before that: 125 when lifeline fails (usage, beacon
 * refused), 127 when CMD is not found, 126 when it cannot be executed; no beacon is left then.
 */
@Command(name = "exec",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnInvalidInput = LaunchOptions.EXIT_FAILED,
        exitCodeOnExecutionException = LaunchOptions.EXIT_FAILED,
        description = {
            "Holds a beacon at PATH, then becomes CMD (execve): same process, same PID, the beacon's"
                    + " descriptor kept across the exec, its number in LIFELINE_FD (the number the beacon"
                    + " already had, not 3). The beacon lives exactly as long as CMD.",
            "Put -- before CMD when CMD or its arguments begin with a dash."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "N:once CMD runs, whatever CMD exits with",
            "125:lifeline failed: usage error, or the beacon could not be held; the reason is on stderr",
            "126:CMD was found but cannot be executed; no beacon is left",
            "127:CMD was not found; no beacon is left",
        })
public final class ExecCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LaunchOptions launch;

    @Option(names = "--sd-notify",
            description = "Tell systemd READY=1 once the beacon is held, just before becoming CMD (same PID)."
                    + " WATCHDOG=1 is then CMD's own business: no lifeline process stays to send it.")
    boolean sdNotify;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Beacon beacon;
        try {
            beacon = launch.open(err, "exec");
        } catch (LaunchOptions.Refused r) {
            return r.exitCode;
        }
        // Returns only by throwing; the beacon is still held here then, and must not outlive the
        // failure.
        if (sdNotify) {
            Notify.fromEnvironment(err).ifPresent(n -> Notify.ready(n, err));
        }
        try {
            beacon.exec(launch.command);
            throw new IllegalStateException("execve returned");
        } catch (IOException e) {
            return launch.cannotStart(err, "exec", beacon, e);
        }
    }
}
