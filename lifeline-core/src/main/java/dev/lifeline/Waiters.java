package dev.lifeline;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The platform threads on which lifeline blocks in the kernel. A native call that blocks pins
 * the carrier of a virtual thread that makes it, so no wait ever runs on the caller's thread:
 * the caller waits on a future, which a virtual thread does without pinning anything.
 */
final class Waiters {
    static final ExecutorService POOL = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("lifeline-wait-", 0).factory());

    private Waiters() {
    }
}
