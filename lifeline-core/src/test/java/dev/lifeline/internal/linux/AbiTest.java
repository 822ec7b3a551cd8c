package dev.lifeline.internal.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.internal.posix.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every constant and struct offset lifeline hard-codes, checked against the C library's own
 * headers for each architecture it claims, by the compiler: the values {@link Abi} and
 * {@link Errno} have with {@code os.arch} set to that architecture (in a child JVM) become
 * {@code _Static_assert}s in a C file that the cross compiler for that architecture must accept.
 * Nothing runs on the foreign architecture, so aarch64 is checked on an x86_64 host (and the
 * other way round), which is the only way its values are checked at all on machines without it.
 *
 * <p>Needs {@code x86_64-linux-gnu-gcc} and {@code aarch64-linux-gnu-gcc} (Debian:
 * gcc-x86-64-linux-gnu or gcc on x86_64, gcc-aarch64-linux-gnu); fails, not skips, without them.
 */
class AbiTest {
    /** Java name to the C expression it must equal; names not listed are C macros of the same name. */
    private static final Map<String, String> EXPRESSIONS = Map.ofEntries(
            Map.entry("Linux.FLOCK_SIZE", "sizeof(struct flock)"),
            Map.entry("Linux.FLOCK_PID", "offsetof(struct flock, l_pid)"),
            Map.entry("Linux.FLOCK_START", "offsetof(struct flock, l_start)"),
            Map.entry("Linux.FLOCK_LEN", "offsetof(struct flock, l_len)"),
            Map.entry("Linux.SIGSET_SIZE", "sizeof(sigset_t)"),
            Map.entry("Linux.TIMESPEC_PAIR_SIZE", "2 * sizeof(struct timespec)"),
            Map.entry("Linux.POLLFD_SIZE", "sizeof(struct pollfd)"),
            Map.entry("Linux.EPOLL_EVENT_SIZE", "sizeof(struct epoll_event)"),
            Map.entry("Linux.EPOLL_DATA", "offsetof(struct epoll_event, data)"),
            Map.entry("Linux.STATX_SIZE", "sizeof(struct statx)"),
            Map.entry("Linux.STX_NLINK", "offsetof(struct statx, stx_nlink)"),
            Map.entry("Linux.STX_UID", "offsetof(struct statx, stx_uid)"),
            Map.entry("Linux.STX_MODE", "offsetof(struct statx, stx_mode)"),
            Map.entry("Linux.STX_INO", "offsetof(struct statx, stx_ino)"),
            Map.entry("Linux.STX_ATIME", "offsetof(struct statx, stx_atime)"),
            Map.entry("Linux.STX_MTIME", "offsetof(struct statx, stx_mtime)"),
            Map.entry("Linux.STX_DEV_MAJOR", "offsetof(struct statx, stx_dev_major)"),
            Map.entry("Linux.STX_DEV_MINOR", "offsetof(struct statx, stx_dev_minor)"),
            Map.entry("Linux.SIGINFO_SIZE", "sizeof(siginfo_t)"),
            Map.entry("Linux.SIGINFO_PID", "offsetof(siginfo_t, si_pid)"),
            Map.entry("Linux.POLLFD_FD", "offsetof(struct pollfd, fd)"),
            Map.entry("Linux.POLLFD_EVENTS", "offsetof(struct pollfd, events)"),
            Map.entry("Linux.POLLFD_REVENTS", "offsetof(struct pollfd, revents)"),
            Map.entry("Linux.INOTIFY_EVENT_WD", "offsetof(struct inotify_event, wd)"),
            Map.entry("Linux.INOTIFY_EVENT_MASK", "offsetof(struct inotify_event, mask)"),
            Map.entry("Linux.INOTIFY_EVENT_COOKIE", "offsetof(struct inotify_event, cookie)"),
            Map.entry("Linux.INOTIFY_EVENT_LEN", "offsetof(struct inotify_event, len)"),
            Map.entry("Linux.INOTIFY_EVENT_SIZE", "sizeof(struct inotify_event)"),
            Map.entry("Linux.STATX_TIMESTAMP_SEC", "offsetof(struct statx_timestamp, tv_sec)"),
            Map.entry("Linux.STATX_TIMESTAMP_NSEC", "offsetof(struct statx_timestamp, tv_nsec)"),
            Map.entry("Linux.SUN_PATH", "offsetof(struct sockaddr_un, sun_path)"),
            Map.entry("Linux.SUN_PATH_MAX", "sizeof(((struct sockaddr_un *) 0)->sun_path)"));

    /** Buffers lifeline allocates for glibc's opaque types: large enough is what matters. */
    private static final Map<String, String> AT_LEAST = Map.of(
            "Linux.SPAWN_ACTIONS_SIZE", "sizeof(posix_spawn_file_actions_t)",
            "Linux.SPAWN_ATTR_SIZE", "sizeof(posix_spawnattr_t)");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"x86_64, amd64, x86_64-linux-gnu-gcc", "aarch64, aarch64, aarch64-linux-gnu-gcc"})
    void everyConstantMatchesTheHeadersOfTheArchitecture(String arch, String osArch, String compiler) throws Exception {
        Map<String, Long> constants = dump(osArch);
        assertThat(constants).as("constants dumped for " + arch).containsKey("Linux.O_NOFOLLOW").containsKey("errno.ENXIO");
        String source = cSource(constants);
        List<String> errors = compile(compiler, source);
        assertThat(errors).as(compiler + " on the constants of " + arch + ":\n" + source).isEmpty();
        System.out.println("abi " + arch + ": " + constants.size() + " constants accepted by " + compiler);
    }

    /** Errno's descriptions are glibc's strerror texts, kept in Java; this host's glibc agrees. */
    @Test
    void errnoDescriptionsAreTheCLibrarysOwn() throws Exception {
        Path source = dir.resolve("strerror.c");
        Path program = dir.resolve("strerror");
        Files.writeString(source, """
                #include <stdio.h>
                #include <string.h>
                int main(void) {
                    for (int n = 1; n < 134; n++) printf("%d\\t%s\\n", n, strerror(n));
                    return 0;
                }
                """);
        Process cc = new ProcessBuilder("gcc", "-o", program.toString(), source.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cc.exitValue()).as(ccOut).isZero();
        Process run = new ProcessBuilder(program.toString()).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Map<String, Long> table = AbiDump.constants();
        int compared = 0;
        for (String line : out.split("\n")) {
            String[] f = line.split("\t", 2);
            int n = Integer.parseInt(f[0]);
            if (table.containsValue((long) n) && Errno.name(n) != null && Errno.name(n).startsWith("E")) {
                assertThat(Errno.describe(n)).as("strerror(%d), %s", n, Errno.name(n)).isEqualTo(f[1]);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(120);
    }

    /** The check can fail: one wrong value is one compile error naming it. */
    @Test
    void aWrongValueIsCaught() throws Exception {
        Map<String, Long> constants = new LinkedHashMap<>(dump("aarch64"));
        constants.put("Linux.O_NOFOLLOW", 0x20000L); // x86_64's value, the classic aarch64 mistake
        constants.put("Linux.EPOLL_DATA", 4L); // x86_64's packed layout
        List<String> errors = compile("aarch64-linux-gnu-gcc", cSource(constants));
        assertThat(String.join("\n", errors)).contains("Linux.O_NOFOLLOW").contains("Linux.EPOLL_DATA");
        assertThat(errors.stream().filter(e -> e.contains("static assertion failed"))).hasSize(2);
    }

    private static String cSource(Map<String, Long> constants) {
        StringBuilder c = new StringBuilder("""
                #define _GNU_SOURCE
                #include <errno.h>
                #include <fcntl.h>
                #include <poll.h>
                #include <signal.h>
                #include <spawn.h>
                #include <stddef.h>
                #include <stdio.h>
                #include <sys/epoll.h>
                #include <sys/eventfd.h>
                #include <sys/file.h>
                #include <sys/inotify.h>
                #include <sys/socket.h>
                #include <sys/stat.h>
                #include <sys/un.h>
                #include <sys/wait.h>
                #include <linux/close_range.h>
                #define SAME(name, c, value) _Static_assert((long long) (c) == (long long) (value), name " = " #value " in lifeline, not " #c)
                #define ENOUGH(name, c, value) _Static_assert((long long) (c) <= (long long) (value), name " = " #value " in lifeline, less than " #c)
                """);
        constants.forEach((name, value) -> {
            String simple = name.substring(name.indexOf('.') + 1);
            String macro = AT_LEAST.containsKey(name) ? "ENOUGH" : "SAME";
            String expression = AT_LEAST.getOrDefault(name, EXPRESSIONS.getOrDefault(name, simple));
            c.append(macro).append("(\"").append(name).append("\", ").append(expression).append(", ")
                    .append(value).append("LL);\n");
        });
        return c.toString();
    }

    private static Map<String, Long> dump(String osArch) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(java, "-Dos.arch=" + osArch, "-cp", System.getProperty("java.class.path"),
                AbiDump.class.getName()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        Map<String, Long> constants = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            constants.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
        }
        return constants;
    }

    /** Compiles {@code source} for syntax only; the compiler's error lines, none when it is accepted. */
    private List<String> compile(String compiler, String source) throws IOException, InterruptedException {
        Path file = dir.resolve("abi.c");
        Files.writeString(file, source);
        Process process;
        try {
            process = new ProcessBuilder(compiler, "-std=gnu11", "-fsyntax-only", file.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException missing) {
            throw new AssertionError(compiler + " is needed to check the constants against that architecture's"
                    + " headers (Debian: gcc-aarch64-linux-gnu, gcc-x86-64-linux-gnu): " + missing.getMessage(), missing);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> errors = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.contains("error")) {
                errors.add(line);
            }
        }
        if (process.exitValue() != 0 && errors.isEmpty()) {
            errors.add(out);
        }
        return errors;
    }
}
