package dev.lifeline.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.StatusJson;
import dev.lifeline.Watcher;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code lifeline serve}: follows the beacons of this host with one {@link Watcher} and serves
 * what it knows over HTTP. The Watcher's reports drive the events and count the transitions;
 * every figure an answer shows comes from a fresh check of each beacon it names (one
 * non-blocking open, microseconds), so the heartbeat's age and deadline are as fresh as
 * {@code lifeline check}'s. Directories are never re-scanned per request. Methods other than
 * GET and HEAD are answered 405.
 *
 * <ul>
 * <li>{@code /metrics}: Prometheus text format, through the Prometheus Java client.
 * <li>{@code /health}: 200 only while every beacon followed is ALIVE, 503 otherwise (none
 *     followed included); the body counts them and names those not alive.
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
    private final String host = hostName();

    /** How often {@code /events} sends the beacons that beat again, freshly checked. */
    static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(15);

    private Server(InetSocketAddress listen, List<Path> beacons, List<Path> dirs) throws IOException {
        watcher = Watcher.start(board::changed);
        ExecutorService pool = null;
        HttpServer server = null;
        try {
            // The watcher's own inotify instance and thread follow the directories too.
            for (Path dir : dirs) {
                watcher.followDirectory(dir, this::followAll, p -> {
                    if (isFifo(p)) {
                        follow(p);
                    }
                });
            }
            for (Path beacon : beacons) {
                follow(beacon);
            }

            double probeSeconds = measureProbe(board.all().isEmpty() ? null : board.all().iterator().next().path);
            PrometheusRegistry registry = new PrometheusRegistry();
            registry.register(new Metrics(board, probeSeconds));

            pool = Executors.newVirtualThreadPerTaskExecutor(); // an SSE stream may block for hours
            server = HttpServer.create(listen, 64);
            server.setExecutor(pool);
            server.createContext("/metrics", readOnly(new MetricsHandler(registry)));
            server.createContext("/health", readOnly(this::health));
            server.createContext("/api/beacons", readOnly(this::beacons));
            server.createContext("/events", readOnly(this::events));
            server.createContext("/", readOnly(this::page));
            server.start();
        } catch (IOException | RuntimeException | Error e) {
            // Nothing started here may outlive a server that could not start (an address in use):
            // a library caller goes on without it.
            if (pool != null) {
                pool.shutdownNow();
            }
            watcher.close();
            throw e;
        }
        handlers = pool;
        http = server;
    }

    /**
     * Starts following {@code targets} (beacon paths, and directories whose FIFOs are followed,
     * including those created later) and serving on {@code listen}. A target is taken for a
     * directory if it is one now; a path that does not exist is a beacon, followed while absent.
     * To follow a directory that may not exist yet, use {@link #start(InetSocketAddress, List, List)}.
     *
     * @param listen  the address to bind; {@link #DEFAULT_LISTEN} keeps it to this host
     * @param targets beacon paths and directories
     * @return the running server
     * @throws IOException if the address cannot be bound or the watcher cannot start
     */
    public static Server start(InetSocketAddress listen, List<Path> targets) throws IOException {
        List<Path> beacons = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (Path target : targets) {
            (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) ? dirs : beacons).add(target);
        }
        return new Server(listen, beacons, dirs);
    }

    /**
     * Starts following {@code beacons} and the directories {@code dirs}, and serving on
     * {@code listen}. A directory is followed whole: its FIFOs now and those made later; one that
     * does not exist yet is followed from the moment it appears (and again if it is removed and
     * made again).
     *
     * @param listen  the address to bind; {@link #DEFAULT_LISTEN} keeps it to this host
     * @param beacons beacon paths, followed even while absent
     * @param dirs    directories of beacons, existing or not
     * @return the running server
     * @throws IOException if the address cannot be bound or the watchers cannot start
     */
    public static Server start(InetSocketAddress listen, List<Path> beacons, List<Path> dirs) throws IOException {
        return new Server(listen, List.copyOf(beacons), List.copyOf(dirs));
    }

    /** The address the server listens on (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    private void follow(Path path) {
        board.add(path);
        watcher.watch(path);
    }

    /**
     * A FIFO itself, not a link to one, whose name does not begin with a dot: lifeline makes a new
     * beacon under such a name and renames it into place once held, and following the temporary
     * name would leave an ABSENT row behind (and {@code /health} at 503) for good.
     */
    private static boolean isFifo(Path p) {
        if (p.getFileName() == null || p.getFileName().toString().startsWith(".")) {
            return false;
        }
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isOther() && ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0xF000) == 0x1000;
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** A followed directory, now watched: every FIFO in it. */
    private void followAll(Path dir) {
        try (var entries = Files.list(dir)) {
            entries.filter(Server::isFifo).sorted().forEach(this::follow);
        } catch (IOException | java.io.UncheckedIOException unreadable) {
            // gone again, or unreadable: what is made in it later is still reported
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

    /** {@code /health}: every beacon at once; {@code /health/NAME}: one. */
    private void health(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/health") || path.equals("/health/")) {
            overallHealth(exchange);
            return;
        }
        if (!path.startsWith("/health/")) {
            send(exchange, 404, "text/plain", "not found\n");
            return;
        }
        String name = path.substring("/health/".length());
        Board.Row row = board.byName(name);
        if (row == null || row.status == null) {
            send(exchange, 404, "application/json",
                    StatusJson.appendMember(new StringBuilder("{"), "error", "no beacon named " + name).append('}').toString());
            return;
        }
        Status status = row.current();
        send(exchange, status.isAlive() ? 200 : 503, "application/json", row.json(status));
    }

    /**
     * 200 only when every followed beacon is ALIVE now (each checked for this answer), 503
     * otherwise: when one is not, and when none is followed (an empty directory is not a host
     * whose daemons all run). The body counts the alive and names the others.
     */
    private void overallHealth(HttpExchange exchange) throws IOException {
        List<Board.Row> rows = new ArrayList<>(board.all());
        rows.sort((a, b) -> a.name.compareTo(b.name));
        int alive = 0;
        StringBuilder others = new StringBuilder();
        for (Board.Row row : rows) {
            Status status = row.current();
            if (status.isAlive()) {
                alive++;
                continue;
            }
            others.append(others.isEmpty() ? "" : ",").append('{');
            StatusJson.appendMember(others, "name", row.name).append(',');
            StatusJson.appendMember(others, "path", row.path.toString()).append(',');
            StatusJson.appendMember(others, "status", StatusJson.name(status.state())).append('}');
        }
        boolean healthy = !rows.isEmpty() && alive == rows.size();
        StringBuilder body = new StringBuilder("{");
        StatusJson.appendMember(body, "status", healthy ? "alive" : rows.isEmpty() ? "no beacons" : "not all alive");
        body.append(",\"beacons\":").append(rows.size()).append(",\"alive\":").append(alive)
                .append(",\"not_alive\":[").append(others).append("]}");
        send(exchange, healthy ? 200 : 503, "application/json", body.toString());
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

    /**
     * Server-Sent Events: the current state of every beacon, then every change as it comes. The
     * Watcher reports changes of state, not each beat of a holder that keeps its promises, so
     * every {@link #REFRESH_NANOS} the beacons that beat are sent again, checked then: a page
     * never shows a heartbeat older than that.
     */
    private void events(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) {
            send(exchange, 200, "text/event-stream", "");
            return;
        }
        BlockingQueue<String> queue = new LinkedBlockingQueue<>(10_000);
        Consumer<Board.Row> listener = row -> queue.offer(row.json(row.status)); // the reported change
        board.subscribe(listener);
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (Board.Row row : board.rows()) {
                out.write(("data: " + row.json() + "\n\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            long lastWrite = System.nanoTime();
            long refresh = lastWrite + REFRESH_NANOS;
            for (;;) {
                String next = queue.poll(Math.max(0, refresh - System.nanoTime()), TimeUnit.NANOSECONDS);
                StringBuilder chunk = new StringBuilder();
                if (next != null) {
                    chunk.append("data: ").append(next).append("\n\n");
                }
                if (System.nanoTime() - refresh >= 0) {
                    refresh = System.nanoTime() + REFRESH_NANOS;
                    for (Board.Row row : board.rows()) {
                        Status now = row.current();
                        if (now.lastBeat().isPresent() || now.deadline().isPresent()) {
                            chunk.append("data: ").append(row.json(now)).append("\n\n");
                        }
                    }
                }
                // A comment line keeps proxies from closing an idle stream, and finds a gone client.
                if (chunk.isEmpty() && System.nanoTime() - lastWrite >= IDLE_NANOS) {
                    chunk.append(": idle\n\n");
                }
                if (!chunk.isEmpty()) {
                    out.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    lastWrite = System.nanoTime();
                }
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
            String page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            send(exchange, 200, "text/html; charset=utf-8", page.replace("<!--host-->", html(host)));
        }
    }

    /** Only GET and HEAD: every other method is answered 405, with the Allow header RFC 9110 asks for. */
    private static HttpHandler readOnly(HttpHandler handler) {
        return exchange -> {
            String method = exchange.getRequestMethod();
            if (method.equals("GET") || method.equals("HEAD")) {
                handler.handle(exchange);
                return;
            }
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", "method not allowed: only GET and HEAD\n");
        };
    }

    /** The host's name as the kernel has it (no name service asked), or "" when it cannot be read. */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException unreadable) {
            return "";
        }
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(code, -1); // the headers of a GET, no body
            exchange.close();
            return;
        }
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
