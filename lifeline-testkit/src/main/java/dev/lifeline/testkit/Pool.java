package dev.lifeline.testkit;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of platform threads for try-with-resources on Java 17, where an ExecutorService is
 * not yet AutoCloseable: {@link #close} does what Java 19's {@code ExecutorService.close} does
 * (shuts the pool down and waits until every task has ended; interrupted, it cancels them and
 * still waits).
 */
public final class Pool extends ThreadPoolExecutor implements AutoCloseable {
    private Pool(int threads) {
        super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    }

    /** As {@code Executors.newFixedThreadPool(threads)}. */
    public static Pool fixed(int threads) {
        return new Pool(threads);
    }

    @Override
    public void close() {
        shutdown();
        boolean interrupted = false;
        while (!isTerminated()) {
            try {
                awaitTermination(1, TimeUnit.DAYS);
            } catch (InterruptedException e) {
                if (!interrupted) {
                    shutdownNow();
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
