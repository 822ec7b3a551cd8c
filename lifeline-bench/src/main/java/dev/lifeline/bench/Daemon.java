package dev.lifeline.bench;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconOption;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The daemon the benchmarks probe, run as a process of its own. Each mode prints one line once it
 * is ready; that line is what the starter waits for.
 *
 * <ul>
 * <li>{@code serve DIR}: everything each way of checking needs, in one process: a held beacon
 *     {@code DIR/live}, a stale one {@code DIR/dead}, a Unix-domain listener {@code DIR/daemon.sock}
 *     and a TCP listener on 127.0.0.1 (both accept and close at once, as a health endpoint would),
 *     an exclusive lock on {@code DIR/daemon.lock}, and {@code DIR/daemon.pid} holding the pid and
 *     the start time in epoch milliseconds. Prints {@code ready PORT}; exits when its standard
 *     input ends.
 * <li>{@code park PATH}: holds a beacon until killed. Prints {@code held}.
 * <li>{@code holdmany DIR COUNT}: holds beacons {@code DIR/b0..}; prints {@code held}; then, on
 *     each input line {@code close I}, closes beacon I (keeping its FIFO, so it reads DEAD) and
 *     prints {@code closed I NANOTIME}, the {@link System#nanoTime()} (CLOCK_MONOTONIC, comparable
 *     across processes) taken just before the close.
 * </ul>
 */
public final class Daemon {
    private Daemon() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve" -> serve(Path.of(args[1]));
            case "park" -> park(Path.of(args[1]));
            case "holdmany" -> holdMany(Path.of(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void serve(Path dir) throws Exception {
        Files.createDirectories(dir);
        Beacon live = Beacon.open(dir.resolve(Layout.LIVE));
        Beacon.open(dir.resolve(Layout.DEAD), BeaconOption.KEEP_ON_CLOSE).close();

        Path socket = dir.resolve(Layout.SOCKET);
        Files.deleteIfExists(socket);
        ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        unix.bind(UnixDomainSocketAddress.of(socket), 512);
        ServerSocketChannel tcp = ServerSocketChannel.open(StandardProtocolFamily.INET);
        tcp.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 512);
        acceptAndClose(unix, "unix-accept");
        acceptAndClose(tcp, "tcp-accept");

        FileChannel lockChannel = FileChannel.open(dir.resolve(Layout.LOCK),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock();

        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().orElseThrow().toEpochMilli();
        Path pidTmp = dir.resolve(Layout.PID + ".tmp");
        Files.writeString(pidTmp, self.pid() + " " + start + "\n");
        Files.move(pidTmp, dir.resolve(Layout.PID), java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        int port = ((InetSocketAddress) tcp.getLocalAddress()).getPort();
        System.out.println("ready " + port);
        System.out.flush();
        waitForEndOfInput();
        lock.release();
        lockChannel.close();
        unix.close();
        tcp.close();
        Files.deleteIfExists(socket);
        live.close();
    }

    private static void acceptAndClose(ServerSocketChannel server, String name) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    SocketChannel client = server.accept();
                    client.close();
                }
            } catch (java.nio.channels.ClosedChannelException closed) {
                // shutting down
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static void park(Path path) throws Exception {
        Beacon beacon = Beacon.open(path);
        System.out.println("held");
        System.out.flush();
        synchronized (beacon) {
            while (beacon.isOpen()) {
                beacon.wait(); // nobody notifies: only a signal ends this process
            }
        }
    }

    private static void holdMany(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        Beacon[] beacons = new Beacon[count];
        for (int i = 0; i < count; i++) {
            beacons[i] = Beacon.open(dir.resolve("b" + i), BeaconOption.KEEP_ON_CLOSE);
        }
        System.out.println("held");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            int i = Integer.parseInt(line.substring("close ".length()));
            long before = System.nanoTime();
            beacons[i].close();
            System.out.println("closed " + i + " " + before);
            System.out.flush();
        }
        for (Beacon b : beacons) {
            b.close();
        }
    }

    private static void waitForEndOfInput() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // the starter closes our standard input to stop us
        }
    }
}
