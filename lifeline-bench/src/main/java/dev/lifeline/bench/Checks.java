package dev.lifeline.bench;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Every way of asking "is the daemon alive?" that the benchmarks compare, each prepared once (as a
 * {@link Probe} is) and each done the way a careful Java developer would. Each answers true for a
 * live daemon. Shared by the JMH benchmarks and the system-call counting {@link Driver}, so both
 * measure the same code.
 */
public final class Checks {
    private final Probe live;
    private final Probe dead;
    private final Path pidFile;
    private final ProcessHandle handle;
    private final SocketAddress unix;
    private final SocketAddress tcp;
    private final Path lockFile;
    private final FileChannel heldChannel;

    public Checks(Path dir, int port) throws IOException {
        this.live = Probe.of(dir.resolve(Layout.LIVE));
        this.dead = Probe.of(dir.resolve(Layout.DEAD));
        this.pidFile = dir.resolve(Layout.PID);
        long pid = Long.parseLong(Files.readString(pidFile).trim().split(" ")[0]);
        this.handle = ProcessHandle.of(pid).orElseThrow(() -> new IOException("daemon " + pid + " is not running"));
        this.unix = UnixDomainSocketAddress.of(dir.resolve(Layout.SOCKET));
        this.tcp = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
        this.lockFile = dir.resolve(Layout.LOCK);
        this.heldChannel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
    }

    public Checks(ServedDaemon daemon) throws IOException {
        this(daemon.dir(), daemon.port());
    }

    /** lifeline on a held beacon: open, statx of the descriptor, close. */
    public Status lifelineLive() {
        return live.check();
    }

    /** lifeline on a stale beacon: open failing ENXIO, statx of the path. */
    public Status lifelineDead() {
        return dead.check();
    }

    /**
     * A PID file verified against PID reuse: read "PID START_MILLIS", then the process must exist
     * and have started at the recorded time. The PID alone could name an unrelated process.
     */
    public boolean pidFileVerified() throws IOException {
        String text;
        try {
            text = Files.readString(pidFile, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return false;
        }
        int space = text.indexOf(' ');
        long pid = Long.parseLong(text, 0, space, 10);
        long start = Long.parseLong(text, space + 1, text.length() - 1, 10);
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        return process.isPresent()
                && process.get().info().startInstant().map(i -> i.toEpochMilli() == start).orElse(false);
    }

    /** ProcessHandle.isAlive on a handle obtained once (it compares the start time too, in-JVM). */
    public boolean processHandleIsAlive() {
        return handle.isAlive();
    }

    /** Connect to the daemon's Unix-domain socket, close at once. */
    public boolean unixSocketConnect() throws IOException {
        return connect(unix);
    }

    /** Connect to the daemon's TCP port on 127.0.0.1, close at once. */
    public boolean tcpConnect() throws IOException {
        return connect(tcp);
    }

    private static boolean connect(SocketAddress address) throws IOException {
        try (SocketChannel channel = SocketChannel.open(address)) {
            return channel.isConnected();
        } catch (ConnectException | NoSuchFileException refused) {
            return false;
        }
    }

    /** Open the lock file, try to lock it: held by someone else means alive. Release if we got it. */
    public boolean lockFileTryLock() throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            return held(channel);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** As {@link #lockFileTryLock()}, through a channel opened once: one fcntl per check. */
    public boolean lockFileTryLockOpenOnce() throws IOException {
        return held(heldChannel);
    }

    private static boolean held(FileChannel channel) throws IOException {
        FileLock lock = channel.tryLock();
        if (lock == null) {
            return true;
        }
        lock.release();
        return false;
    }

    /** Runs the check called {@code kind} (a method name of this class) once. */
    public boolean run(String kind) throws IOException {
        return switch (kind) {
            case "lifelineLive" -> lifelineLive().isAlive();
            case "lifelineDead" -> lifelineDead().state() == Status.State.DEAD;
            case "pidFileVerified" -> pidFileVerified();
            case "processHandleIsAlive" -> processHandleIsAlive();
            case "unixSocketConnect" -> unixSocketConnect();
            case "tcpConnect" -> tcpConnect();
            case "lockFileTryLock" -> lockFileTryLock();
            case "lockFileTryLockOpenOnce" -> lockFileTryLockOpenOnce();
            default -> throw new IllegalArgumentException("unknown check " + kind);
        };
    }

    /** Every kind {@link #run} knows, lifeline first. */
    public static final java.util.List<String> KINDS = java.util.List.of("lifelineLive", "lifelineDead",
            "pidFileVerified", "processHandleIsAlive", "unixSocketConnect", "tcpConnect", "lockFileTryLock",
            "lockFileTryLockOpenOnce");

    public void close() throws IOException {
        heldChannel.close();
    }
}
