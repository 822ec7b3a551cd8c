package dev.lifeline.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.lifeline.Probe;
import dev.lifeline.Watcher;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code lifeline serve}: follows the beacons of this host with one {@link Watcher} and serves
 * what it knows over HTTP. Every answer reads the state the Watcher last reported; nothing is
 * re-scanned or re-probed per request, so a scrape costs the same for 10 beacons or 10,000.
 *
 * <ul>
 * <li>{@code /metrics}: Prometheus text format, through the Prometheus Java client.
 * <li>{@code /health/NAME}: 200 while the beacon NAME (its file name) is ALIVE, 503 otherwise,
 *     404 for a name not followed; the body is the beacon as JSON.
 * <li>{@code /api/beacons}: every beacon as a JSON array.
 * <li>{@code /events}: every change as it happens, as Server-Sent Events (one JSON object each).
 * <li>{@code /}: a live status page, plain HTML and JavaScript from this jar.
 * </ul>
 *
 * <p>It binds where it is told, loopback by default: the pages say which daemons run on the host
 * and which are dead, which is worth keeping to those who may know.
 *
 * <p>Concurrency: safe for concurrent use; {@link #close()} stops everything and is idempotent.
 */
public final class Server implements AutoCloseable {
    /** The default address: loopback only. */
    public static final InetSocketAddress DEFAULT_LISTEN = new InetSocketAddress("127.0.0.1", 9464);

    private final Board board = new Board();
    private final Watcher watcher;
    private final HttpServer http;
    private final ExecutorService handlers;
    private final WatchService directories;
    private final Thread directoryThread;

    private Server(InetSocketAddress listen, List<Path> targets) throws IOException {
        watcher = Watcher.start(board::changed);
        directories = FileSystems.getDefault().newWatchService();
        List<Path> dirs = new ArrayList<>();
        for (Path target : targets) {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                dirs.add(target);
                target.register(directories, StandardWatchEventKinds.ENTRY_CREATE);
                try (var entries = Files.list(target)) {
                    entries.filter(Server::isFifo).sorted().forEach(this::follow);
                }
            } else {
                follow(target);
            }
        }
        directoryThread = Thread.ofPlatform().daemon().name("lifeline-serve-directories").start(this::followDirectories);

        double probeSeconds = measureProbe(board.all().isEmpty() ? null : board.all().iterator().next().path);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new Metrics(board, probeSeconds));

        handlers = Executors.newVirtualThreadPerTaskExecutor(); // an SSE stream may block for hours
        http = HttpServer.create(listen, 64);
        http.setExecutor(handlers);
        http.createContext("/metrics", new MetricsHandler(registry));
        http.createContext("/health/", this::health);
        http.createContext("/api/beacons", this::beacons);
        http.createContext("/events", this::events);
        http.createContext("/", this::page);
        http.start();
    }

    /**
     * Starts following {@code targets} (beacon paths, and directories whose FIFOs are followed,
     * including those created later) and serving on {@code listen}.
     *
     * @param listen  the address to bind; {@link #DEFAULT_LISTEN} keeps it to this host
     * @param targets beacon paths and directories
     * @return the running server
     * @throws IOException if the address cannot be bound or the watcher cannot start
     */
    public static Server start(InetSocketAddress listen, List<Path> targets) throws IOException {
        return new Server(listen, targets);
    }

    /** The address the server listens on (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    private void follow(Path path) {
        board.add(path);
        watcher.watch(path);
    }

    private static boolean isFifo(Path p) {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isOther() && ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0xF000) == 0x1000;
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** New FIFOs in a followed directory are followed from then on. */
    private void followDirectories() {
        try {
            for (;;) {
                WatchKey key = directories.take();
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path name) {
                        Path p = dir.resolve(name);
                        if (isFifo(p)) {
                            follow(p);
                        }
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closing
        }
    }

    /** The median cost of one check here, from a few thousand, for the metrics. */
    private static double measureProbe(Path path) throws IOException {
        Path sample = path;
        Path temporary = null;
        if (sample == null) {
            temporary = Files.createTempDirectory("lifeline-serve");
            sample = temporary.resolve("probe");
        }
        try {
            Probe probe = Probe.of(sample);
            long[] nanos = new long[2_001];
            for (int i = 0; i < nanos.length; i++) {
                long t = System.nanoTime();
                probe.check();
                nanos[i] = System.nanoTime() - t;
            }
            Arrays.sort(nanos);
            return nanos[nanos.length / 2] / 1e9;
        } finally {
            if (temporary != null) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    // -- Handlers --

    private void health(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().substring("/health/".length());
        Board.Row row = board.byName(name);
        if (row == null || row.status == null) {
            send(exchange, 404, "application/json", "{\"error\":\"no beacon named " + name.replace("\"", "") + "\"}");
            return;
        }
        int code = row.status.isAlive() ? 200 : 503;
        send(exchange, code, "application/json", row.json());
    }

    private void beacons(HttpExchange exchange) throws IOException {
        StringBuilder b = new StringBuilder("[");
        for (Board.Row row : board.rows()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(row.json());
        }
        send(exchange, 200, "application/json", b.append(']').toString());
    }

    /** Server-Sent Events: the current state of every beacon, then every change as it comes. */
    private void events(HttpExchange exchange) throws IOException {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>(10_000);
        Consumer<Board.Row> listener = row -> queue.offer(row.json());
        board.subscribe(listener);
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (Board.Row row : board.rows()) {
                out.write(("data: " + row.json() + "\n\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            for (;;) {
                String next = queue.poll(15, TimeUnit.SECONDS);
                // A comment line keeps proxies from closing an idle stream, and finds a gone client.
                out.write((next == null ? ": idle\n\n" : "data: " + next + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException | InterruptedException clientGone) {
            // the client went away, or the server is closing
        } finally {
            board.unsubscribe(listener);
            exchange.close();
        }
    }

    private void page(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            send(exchange, 404, "text/plain", "not found\n");
            return;
        }
        try (InputStream in = Server.class.getResourceAsStream("index.html")) {
            send(exchange, 200, "text/html; charset=utf-8", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops serving and following, and releases every descriptor. Idempotent. */
    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
        try {
            directories.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        directoryThread.interrupt();
        watcher.close();
    }

    @Override
    public String toString() {
        return "Server[" + address() + ", " + board.all().size() + " beacons]";
    }

    /** For tests and the CLI: how many beacons are followed. */
    int size() {
        return board.all().size();
    }

}
