package dev.lifeline.internal.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.Outcome;
import dev.lifeline.internal.WatchLoop;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link InotifyWatches} following a directory through the races that the watcher's thread meets
 * only now and then (DirectoryFollowTest catches them about once in a few hundred runs): here the
 * same real file system operations happen at the one instant that matters, every time, because
 * they are made from inside the backend's inotify_add_watch, just before and just after the real
 * call. Driven on the test's thread, the loop's thread left out: {@code drain} reads what the
 * kernel queued, which it does as each operation returns.
 */
class InotifyWatchesTest {
    @TempDir
    Path tmp;

    private final LinuxCalls real = Backends.choose();
    private final int inotify = real.inotifyInit(real.state());
    private final List<String> events = new ArrayList<>();

    /** Made once, around the next inotify_add_watch of {@code path}: a rival's file system operations. */
    private Path racedPath;
    private Runnable beforeAdd;
    private Runnable afterAdd;

    @AfterEach
    void close() {
        real.close(real.state(), inotify);
    }

    private InotifyWatches watches() {
        assertThat(inotify).as("an inotify instance").isNotNegative();
        InvocationHandler raced = (proxy, method, args) -> {
            boolean race = method.getName().equals("inotifyAddWatch") && ((NativePath) args[2]).path().equals(racedPath);
            if (race) {
                racedPath = null;
                beforeAdd.run();
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (race) {
                    afterAdd.run();
                }
            }
        };
        LinuxCalls calls = (LinuxCalls) Proxy.newProxyInstance(
                LinuxCalls.class.getClassLoader(), new Class<?>[] {LinuxCalls.class}, raced);
        return new InotifyWatches(calls, inotify, calls.allocate(Inotify.BUFFER_SIZE), new WatchLoop.Sink() {
            @Override
            public void changed(int id, Outcome outcome) {
            }

            @Override
            public void directoryAppeared(int id) {
                events.add("appeared");
            }

            @Override
            public void entryCreated(int id, byte[] name) {
                events.add("created " + new String(name, StandardCharsets.ISO_8859_1));
            }
        });
    }

    private void race(Path path, Runnable before, Runnable after) {
        racedPath = path;
        beforeAdd = before;
        afterAdd = after;
    }

    private void drain(InotifyWatches watches) {
        watches.drain(real.state(), List.of(), (e, bornHeld) -> { });
    }

    private static void rmdir(Path dir) {
        try {
            Files.delete(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void mkdir(Path dir) {
        try {
            Files.createDirectory(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theAncestorWaitedAtRemovedAndMadeAgainAroundItsWatchIsWatchedAnew() throws Exception {
        Path run = tmp.resolve("run");
        Path dir = Files.createDirectories(run.resolve("lifeline"));
        InotifyWatches watches = watches();
        watches.follow(1, dir);
        assertThat(events).containsExactly("appeared");
        // The directory goes: it is waited for at run, whose watch fails (ENOENT) because run goes
        // too, and by the time the failure is looked at, run is there again.
        rmdir(dir);
        race(run, () -> rmdir(run), () -> mkdir(run));
        drain(watches);
        assertThat(racedPath).as("the race ran").isNull();
        mkdir(dir);
        drain(watches);
        assertThat(events).as("followed again once it appeared").containsExactly("appeared", "appeared");
        Files.createFile(dir.resolve("y"));
        drain(watches);
        assertThat(events).containsExactly("appeared", "appeared", "created y");
    }

    @Test
    void aDirectoryRemovedAndMadeAgainAroundItsWatchIsWatchedAnew() throws Exception {
        Path dir = tmp.resolve("lifeline");
        InotifyWatches watches = watches();
        watches.follow(1, dir);
        assertThat(events).isEmpty();
        // The directory appears; its watch fails (ENOENT) because it goes again, and by the time
        // the failure is looked at, it is there again: a new one, which the failed watch never saw.
        mkdir(dir);
        race(dir, () -> rmdir(dir), () -> mkdir(dir));
        drain(watches);
        assertThat(racedPath).as("the race ran").isNull();
        assertThat(events).containsExactly("appeared");
        Files.createFile(dir.resolve("y"));
        drain(watches);
        assertThat(events).as("what is made in it is seen").containsExactly("appeared", "created y");
    }

    @Test
    void aFileWhereADirectoryAboveItWillBeIsWaitedAtNotLookedAtForever() throws Exception {
        Path run = Files.createFile(tmp.resolve("run"));
        Path dir = run.resolve("lifeline");
        InotifyWatches watches = watches();
        // The nearest directory is tmp, and run exists in it, though not as a directory: that is
        // no reason to look again, which would find the same, on the loop's thread, for ever.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> watches.follow(1, dir), "follow returns");
        assertThat(events).isEmpty();
        Files.delete(run);
        mkdir(run);
        drain(watches);
        mkdir(dir);
        drain(watches);
        assertThat(events).containsExactly("appeared");
    }
}
