package dev.lifeline.cli;

import dev.lifeline.Handover;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code run --heartbeat-from FILE}: beats for a program that knows nothing of lifeline, each
 * time it shows progress by moving FILE's modification time. The file is looked at every third of
 * the promise, on a daemon platform thread: a beat a third late at worst, as a Heartbeat's. A
 * program whose progress stops stops the beats, and the beacon turns HUNG at the deadline.
 */
final class Progress {
    private Progress() {
    }

    static void follow(Handover handover, Path file, Duration promise) {
        long periodNanos = Math.max(1_000_000L, promise.toNanos() / 3);
        Thread.ofPlatform().daemon().name("lifeline-heartbeat-from").start(() -> {
            FileTime seen = modified(file);
            for (;;) {
                FileTime now = modified(file);
                if (now != null && (seen == null || now.compareTo(seen) > 0)) {
                    try {
                        handover.beat(promise);
                        seen = now;
                    } catch (IOException ended) {
                        return; // the program is gone: nothing left to beat for
                    }
                }
                LockSupport.parkNanos(periodNanos); // a period, not a wait for an event
            }
        });
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (NoSuchFileException notYet) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
