package dev.lifeline;

import dev.lifeline.testkit.Await;
import dev.lifeline.testkit.Running;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Starts {@link Child} in its own JVM, to be talked to by lines; bounded waits with this module's deadline. */
final class Processes {
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private Processes() {
    }

    static Running start(String... args) throws IOException {
        return startWrapped(List.of(), System.getProperty("java.class.path"), args);
    }

    /**
     * Starts {@link Child} with {@code args} on {@code classPath}, behind {@code wrapper} (such as
     * setpriv or prlimit) if given.
     */
    static Running startWrapped(List<String> wrapper, String classPath, String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(javaBinary());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(Running.backend());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(classPath);
        command.add(Child.class.getName());
        command.addAll(List.of(args));
        return Running.start(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT), DEADLINE);
    }

    static String javaBinary() {
        return Running.javaBinary();
    }

    /** Polls {@code condition} until it holds or the deadline passes; fails with the last value seen. */
    static <T> void await(String what, Supplier<T> observe, java.util.function.Predicate<T> condition) {
        Await.until(what, observe, condition, DEADLINE);
    }

    /**
     * The number of descriptors this process has open, counted once the native backend has made
     * its first call: JNA's first call leaves descriptors open for the JVM's life that are nobody's
     * beacon (libffi's file of trampolines, unlinked and close-on-exec; JNA's jar, opened by its
     * class loader), and a count taken before it, in a test that happens to run first, would
     * blame them on the test. The JVM's own passing descriptors are left out ({@link #isTheJvmsOwn}).
     */
    static int openDescriptors() {
        Backend.FIRST_CALL.state();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.filter(fd -> !isTheJvmsOwn(target(fd))).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where a descriptor of /proc/self/fd leads; "" once it is closed. */
    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException closedMeanwhile) {
            return "";
        }
    }

    /**
     * Whether a descriptor's file is one the JVM itself opens for a moment, at any time, on its own
     * threads: the cgroup files its container support reads (JDK 17 reads the memory limit when
     * it sizes its compiler threads). Never a file lifeline opens.
     */
    static boolean isTheJvmsOwn(String target) {
        return target.startsWith("/sys/fs/cgroup/");
    }

    /** The backend's first call, made once: a check of a path that is not there. */
    private static final class Backend {
        static final Status FIRST_CALL = Probe.of(Path.of("/nonexistent/lifeline-first-call")).check();
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
