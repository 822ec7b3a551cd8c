package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --sd-notify} and {@code exec --sd-notify} against a real datagram socket, as systemd's. */
class SdNotifyTest {
    private static final String LISTENER = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(sys.argv[1])
            print('bound', flush=True)
            while True:
                print(s.recv(4096).decode().replace('\\n', '|'), flush=True)
            """;

    /** A program that beats the inherited beacon (fd 3) the lifeline way, then stops beating. */
    private static final String BEATING = """
            i=0
            while [ $i -lt 8 ]; do
              n=$(date +%s%N); s=$((n / 1000000000)); ms=$(printf %03d $(( (n / 1000000) % 1000 )))
              touch -m -d "@$s.${ms}417417" /proc/self/fd/3
              touch -a -d "@$((s + 2)).${ms}417417" /proc/self/fd/3
              sleep 0.1; i=$((i + 1))
            done
            echo stopped > "$1"
            exec sleep 1000
            """;

    @TempDir
    Path dir;

    @Test
    void runSaysReadyThenPassesBeatsOnAsWatchdogAndStopsWhenTheyStop() throws Exception {
        Path socket = dir.resolve("notify");
        Path stopped = dir.resolve("stopped");
        try (Listener systemd = new Listener(socket)) {
            List<String> command = Cli.java("run", "--sd-notify", dir.resolve("b").toString(), "--",
                    "sh", "-c", BEATING, "sh", stopped.toString());
            Process run = Cli.start(command, null, Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "200000"));
            try {
                assertThat(systemd.next()).isEqualTo("READY=1");
                assertThat(systemd.next()).isEqualTo("WATCHDOG=1");
                Cli.poll("the program stopped beating", () -> Files.exists(stopped), b -> b, Duration.ofSeconds(60));
                // Two watchdog periods for what was in flight, then silence: no beat, no WATCHDOG=1.
                systemd.drain(Duration.ofMillis(400));
                List<String> after = systemd.drain(Duration.ofMillis(1_000));
                assertThat(after).as("WATCHDOG=1 without beats").isEmpty();
            } finally {
                run.destroy();
                run.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void execSaysReadyAndBecomesTheProgram() throws Exception {
        Path socket = dir.resolve("notify");
        try (Listener systemd = new Listener(socket)) {
            Process exec = Cli.start(Cli.java("exec", "--sd-notify", dir.resolve("b").toString(), "--", "sleep", "1000"),
                    null, Map.of("NOTIFY_SOCKET", socket.toString()));
            try {
                assertThat(systemd.next()).isEqualTo("READY=1");
                Cli.poll("the process became sleep", () -> exec.info().command().orElse(""), c -> c.endsWith("sleep"),
                        Duration.ofSeconds(60));
            } finally {
                exec.destroyForcibly();
                exec.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void withoutSystemdItWarnsAndRunsAnyway() {
        Running.Result r = Cli.run(Cli.java("run", "--sd-notify", dir.resolve("b").toString(), "--", "true"), null,
                Map.of("NOTIFY_SOCKET", ""));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("NOTIFY_SOCKET is not set");
    }

    private static final class Listener implements AutoCloseable {
        private final Process process;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Listener(Path socket) throws Exception {
            process = new ProcessBuilder("python3", "-c", LISTENER, socket.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Thread.ofVirtual().start(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (java.io.IOException closed) {
                    // the listener is gone
                }
            });
            assertThat(next()).as("python3 plays systemd's listener; it must be installed").isEqualTo("bound");
        }

        String next() throws InterruptedException {
            return lines.poll(60, TimeUnit.SECONDS);
        }

        /** Everything that arrives within {@code window}: the one place where silence is the answer. */
        List<String> drain(Duration window) throws InterruptedException {
            List<String> got = new ArrayList<>();
            long end = System.nanoTime() + window.toNanos();
            for (long left; (left = end - System.nanoTime()) > 0; ) {
                String line = lines.poll(left, TimeUnit.NANOSECONDS);
                if (line != null) {
                    got.add(line);
                }
            }
            return got;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
