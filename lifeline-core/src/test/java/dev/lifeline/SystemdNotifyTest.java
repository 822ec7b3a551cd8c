package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify against a real AF_UNIX datagram socket, bound by a listener in another process. */
class SystemdNotifyTest {
    /** A listener, as systemd is one: binds, says "bound", then prints each datagram on a line. */
    private static final String LISTENER = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            a = sys.argv[1]
            s.bind('\\0' + a[1:] if a.startswith('@') else a)
            print('bound', flush=True)
            while True:
                print(s.recv(4096).decode().replace('\\n', '|'), flush=True)
            """;

    @TempDir
    Path dir;

    @Test
    void readyAndWatchdogReachAPathSocket() throws Exception {
        String address = dir.resolve("notify").toString();
        try (Listener listener = new Listener(address)) {
            SystemdNotify notify = SystemdNotify.from(Map.of("NOTIFY_SOCKET", address), 1).orElseThrow();
            notify.ready();
            assertThat(listener.next()).isEqualTo("READY=1");
            notify.watchdogPing();
            assertThat(listener.next()).isEqualTo("WATCHDOG=1");
            notify.send("READY=1\nMAINPID=42");
            assertThat(listener.next()).isEqualTo("READY=1|MAINPID=42");
        }
    }

    @Test
    void anAbstractSocketAsSystemdHandsOut() throws Exception {
        String address = "@lifeline-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (Listener listener = new Listener(address)) {
            SystemdNotify.from(Map.of("NOTIFY_SOCKET", address), 1).orElseThrow().ready();
            assertThat(listener.next()).isEqualTo("READY=1");
        }
    }

    @Test
    void theWatchdogIsOursOnlyIfWatchdogPidSaysSo() {
        assertThat(SystemdNotify.from(Map.of(), 7)).isEmpty();
        assertThat(SystemdNotify.from(Map.of("NOTIFY_SOCKET", "/x", "WATCHDOG_USEC", "3000000"), 7)
                .orElseThrow().watchdog()).contains(Duration.ofSeconds(3));
        assertThat(SystemdNotify.from(Map.of("NOTIFY_SOCKET", "/x", "WATCHDOG_USEC", "3000000", "WATCHDOG_PID", "7"), 7)
                .orElseThrow().watchdog()).contains(Duration.ofSeconds(3));
        assertThat(SystemdNotify.from(Map.of("NOTIFY_SOCKET", "/x", "WATCHDOG_USEC", "3000000", "WATCHDOG_PID", "8"), 7)
                .orElseThrow().watchdog()).isEmpty();
    }

    @Test
    void nobodyListeningIsAnError() {
        SystemdNotify notify = SystemdNotify.from(Map.of("NOTIFY_SOCKET", dir.resolve("none").toString()), 1).orElseThrow();
        org.assertj.core.api.Assertions.assertThatThrownBy(notify::ready)
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("ENOENT");
    }

    private static final class Listener implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;

        Listener(String address) throws Exception {
            assertThat(Files.isExecutable(Path.of("/usr/bin/python3")) || which("python3"))
                    .as("python3 plays systemd's listener here; it must be installed").isTrue();
            process = new ProcessBuilder("python3", "-c", LISTENER, address)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertThat(next()).isEqualTo("bound");
        }

        String next() throws Exception {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            }).get(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }

        private static boolean which(String tool) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (Files.isExecutable(Path.of(d, tool))) {
                    return true;
                }
            }
            return false;
        }
    }
}
