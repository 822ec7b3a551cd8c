package dev.lifeline.cli;

import dev.lifeline.serve.Server;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline serve [DIR|PATH...]}: one long-running process per host that follows its
 * beacons with the Watcher and serves them over HTTP: Prometheus metrics, health endpoints for
 * Kubernetes, Server-Sent Events and a live status page. Binds to loopback unless told otherwise.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        exitCodeOnExecutionException = Main.EXIT_UNKNOWN,
        description = {
            "Follows the beacons in DIR (and those created there later, in a DIR/ made later too) or at PATH,"
                    + " and serves them over HTTP:",
            "  /metrics       Prometheus text format",
            "  /health        200 only while every beacon is alive, 503 otherwise; the body names the others",
            "  /health/NAME   200 while NAME is alive, 503 otherwise (for httpGet probes)",
            "  /api/beacons   every beacon as JSON",
            "  /events        every change as Server-Sent Events",
            "  /              a live status page",
            "Each answer checks the beacons it shows (microseconds each): its figures are as fresh as check's.",
            "Only GET and HEAD are answered (405 otherwise). Prints one line once serving; stops on SIGINT or SIGTERM."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped by SIGINT or SIGTERM",
            "2:usage error",
            "4:cannot serve (address in use, no descriptor left, ...); the reason is on stderr",
        })
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR|PATH", arity = "0..*",
            description = "Directories of beacons, or beacon paths (default: the default beacon directory)."
                    + " A DIR that does not exist yet is served once it appears if written DIR/; without the"
                    + " slash a missing path is a beacon.",
            converter = Converters.PathConverter.class)
    List<Path> targets = new ArrayList<>();

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9464",
            description = "Where to listen (default: ${DEFAULT-VALUE}, loopback only). Anything else exposes"
                    + " which daemons run on this host, and which are dead, to whoever can reach it.",
            converter = Converters.AddressConverter.class)
    InetSocketAddress listen;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> follow = targets;
        List<Path> beacons = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        List<String> given = Operands.given(spec, targets.size());
        for (int i = 0; i < targets.size(); i++) {
            Path target = targets.get(i);
            if (!Operands.isDirectory(target, given.get(i))) {
                beacons.add(target);
            } else {
                dirs.add(target);
                if (!java.nio.file.Files.exists(target)) {
                    err.println("lifeline: " + target + " does not exist yet; its beacons are served once it appears");
                    err.flush();
                }
            }
        }
        if (targets.isEmpty()) {
            // The default directory is followed as a directory even before any beacon made it:
            // made here as hold, run and exec would make it (0700), so that what appears is seen.
            Path dir = BeaconDirectory.current();
            try {
                BeaconDirectory.prepare(dir.resolve("serve"));
            } catch (java.io.IOException e) {
                err.println("lifeline: unable to serve " + Main.show(dir) + ": " + Main.show(BeaconDirectory.describe(e)));
                err.flush();
                return Main.EXIT_UNKNOWN;
            }
            follow = List.of(dir);
            dirs.add(dir);
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (Server server = Server.start(listen, beacons, dirs)) {
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "lifeline-serve-shutdown"));
            for (String name : List.of("INT", "TERM")) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
                } catch (IllegalArgumentException inUse) {
                    // left to the JVM: the shutdown hook still closes the server
                }
            }
            out.println("serving http://" + hostPort(server.address()) + "/ for " + String.join(" ", follow.stream().map(Path::toString).toList()));
            out.flush();
            stop.await();
        } catch (java.io.IOException e) {
            err.println("lifeline: unable to serve on " + hostPort(listen) + ": " + e.getMessage());
            err.flush();
            return Main.EXIT_UNKNOWN;
        }
        return 0;
    }

    /**
     * {@code 127.0.0.1:9464}, {@code [::1]:9464}: the address as given, without a name lookup and
     * without {@link InetSocketAddress#toString()}'s {@code /127.0.0.1:9464}.
     */
    static String hostPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
