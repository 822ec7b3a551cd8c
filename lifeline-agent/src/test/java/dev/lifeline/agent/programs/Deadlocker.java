package dev.lifeline.agent.programs;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two threads that deadlock on purpose when told, and a third that keeps running throughout.
 * Commands on standard input, one per line: {@code deadlock} (two threads take two locks in
 * opposite orders; prints {@code deadlocked} once each holds its first lock and is about to ask
 * for the other's), {@code recover} (interrupts one of them: its {@code lockInterruptibly} gives
 * up and releases its lock, the other finishes; prints {@code recovered} once both have ended),
 * {@code ticks} (prints how often the third thread has run).
 */
public final class Deadlocker {
    private Deadlocker() {
    }

    public static void main(String[] args) throws Exception {
        AtomicLong ticks = new AtomicLong();
        Thread ticker = Thread.ofPlatform().daemon().name("ticker").start(() -> {
            while (true) {
                ticks.incrementAndGet();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        ReentrantLock first = new ReentrantLock();
        ReentrantLock second = new ReentrantLock();
        Thread a = null;
        Thread b = null;
        System.out.println("running");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line) {
                case "deadlock" -> {
                    CountDownLatch both = new CountDownLatch(2);
                    a = Thread.ofPlatform().name("a").start(() -> take(first, second, both));
                    b = Thread.ofPlatform().name("b").start(() -> take(second, first, both));
                    both.await();
                    System.out.println("deadlocked");
                }
                case "recover" -> {
                    a.interrupt();
                    a.join();
                    b.join();
                    System.out.println("recovered");
                }
                case "ticks" -> System.out.println("ticks " + ticks.get() + " " + ticker.isAlive());
                default -> System.out.println("unknown " + line);
            }
            System.out.flush();
        }
    }

    private static void take(ReentrantLock mine, ReentrantLock theirs, CountDownLatch both) {
        try {
            mine.lockInterruptibly();
            try {
                both.countDown();
                both.await();
                theirs.lockInterruptibly();
                theirs.unlock();
            } finally {
                mine.unlock();
            }
        } catch (InterruptedException e) {
            // told to give up: the lock is released above, and the other thread finishes
        }
    }
}
