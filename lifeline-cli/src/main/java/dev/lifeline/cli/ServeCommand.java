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
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

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
            "Follows the beacons in DIR (and those created there later) or at PATH, and serves them over HTTP:",
            "  /metrics       Prometheus text format",
            "  /health/NAME   200 while NAME is alive, 503 otherwise (for httpGet probes)",
            "  /api/beacons   every beacon as JSON",
            "  /events        every change as Server-Sent Events",
            "  /              a live status page",
            "Prints one line once serving; stops on SIGINT or SIGTERM. Nothing is probed per request."
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
            description = "Directories of beacons, or beacon paths (default: the default beacon directory).",
            converter = Main.PathConverter.class)
    List<Path> targets = new ArrayList<>();

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9464",
            description = "Where to listen (default: ${DEFAULT-VALUE}, loopback only). Anything else exposes"
                    + " which daemons run on this host, and which are dead, to whoever can reach it.",
            converter = AddressConverter.class)
    InetSocketAddress listen;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> follow = targets;
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
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (Server server = Server.start(listen, follow)) {
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "lifeline-serve-shutdown"));
            for (String name : List.of("INT", "TERM")) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
                } catch (IllegalArgumentException inUse) {
                    // left to the JVM: the shutdown hook still closes the server
                }
            }
            out.println("serving http://" + server.address().getHostString() + ":" + server.address().getPort()
                    + "/ for " + String.join(" ", follow.stream().map(Path::toString).toList()));
            out.flush();
            stop.await();
        } catch (java.io.IOException e) {
            err.println("lifeline: unable to serve on " + listen + ": " + e.getMessage());
            err.flush();
            return Main.EXIT_UNKNOWN;
        }
        return 0;
    }

    /** {@code HOST:PORT}, {@code :PORT} (all addresses) or {@code PORT} (loopback). */
    static final class AddressConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            String host = colon < 0 ? "127.0.0.1" : value.substring(0, colon);
            String port = colon < 0 ? value : value.substring(colon + 1);
            try {
                int p = Integer.parseInt(port);
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                return host.isEmpty() ? new InetSocketAddress(p) : new InetSocketAddress(host, p);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not HOST:PORT");
            }
        }
    }
}
