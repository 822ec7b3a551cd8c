package dev.lifeline.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where lifeline's blocking waits run: platform threads of its own, daemons, made as needed, so
 * that a caller, virtual or not, waits on a future without pinning a carrier, and a wait in the
 * kernel never holds a thread of the caller's pools.
 */
public final class Waiting {
    private static final AtomicLong THREADS = new AtomicLong();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(
            task -> daemon("lifeline-wait-" + THREADS.getAndIncrement(), task));

    private Waiting() {
    }

    /**
     * A platform thread named {@code name}, a daemon, not started: what
     * {@code Thread.ofPlatform().daemon().name(name).unstarted(task)} makes on Java 21+, written so
     * that Java 17 has it too.
     */
    public static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Runs {@code task} on one of lifeline's threads. */
    public static void execute(Runnable task) {
        POOL.execute(task);
    }

    /**
     * Runs the blocking {@code wait} on one of lifeline's threads; the future completes with its
     * result. Cancelling the future runs {@code cancel}, which must make {@code wait} return.
     */
    public static <T> CompletableFuture<T> start(Supplier<T> wait, Runnable cancel) {
        CompletableFuture<T> future = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (future.isCancelled()) {
                cancel.run();
            }
        });
        try {
            POOL.execute(() -> {
                try {
                    future.complete(wait.get());
                } catch (RuntimeException | Error e) {
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            cancel.run();
            future.completeExceptionally(e);
        }
        return future;
    }

    /**
     * The result of {@code future}, waited for by the calling thread; an interrupt cancels it.
     *
     * @throws InterruptedException if the calling thread is interrupted
     */
    public static <T> T get(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(false);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
