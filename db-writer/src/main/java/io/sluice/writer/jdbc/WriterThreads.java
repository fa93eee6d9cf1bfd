package io.sluice.writer.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** The writer threads, one per queue lane. Started and stopped by one thread at a time. */
public final class WriterThreads {
    private final List<Thread> threads = new ArrayList<>();

    /** Starts {@code count} threads named {@code namePrefix-<lane>} running the task made for each lane. */
    public WriterThreads(int count, String namePrefix, IntFunction<Runnable> taskForLane) {
        for (int lane = 0; lane < count; lane++) {
            Thread thread = new Thread(taskForLane.apply(lane), namePrefix + "-" + lane);
            thread.setDaemon(false);
            threads.add(thread);
        }
    }

    public void start() {
        threads.forEach(Thread::start);
    }

    /** Waits up to {@code timeout} for every thread to end; returns whether they all did. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMs > 0) {
                thread.join(remainingMs);
            }
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** Interrupts the threads still running, waiting in a retry backoff or for the rate limit, and waits for them. */
    public boolean interruptAndAwait(Duration timeout) throws InterruptedException {
        threads.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
        return awaitExit(timeout);
    }
}
