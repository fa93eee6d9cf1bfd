package io.sluice.cli.loadgen;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Hands out ranges of event sequence numbers to connections until the run's total is reached, its deadline
 * passes or it is stopped, and paces them with the shared token bucket. Thread safe.
 */
final class EventSource {

    private final AtomicLong nextSequence = new AtomicLong();
    private final long totalEvents;
    private final long deadlineNanos;
    private final LongSupplier nanoClock;
    private final TokenBucket rate;
    private volatile boolean stopped;

    EventSource(long totalEvents, long deadlineNanos, LongSupplier nanoClock, TokenBucket rate) {
        this.totalEvents = totalEvents;
        this.deadlineNanos = deadlineNanos;
        this.nanoClock = nanoClock;
        this.rate = rate;
    }

    /** A range of sequence numbers {@code [first, first + count)}. */
    record Range(long first, int count) {
    }

    boolean isExhausted() {
        return stopped || nextSequence.get() >= totalEvents || nanoClock.getAsLong() - deadlineNanos >= 0;
    }

    void stop() {
        stopped = true;
    }

    /** Returns how long to wait, in nanoseconds, until the rate allows the next claim; 0 when it does now. */
    long nanosUntilAvailable() {
        return rate.nanosUntilAvailable();
    }

    /**
     * Claims up to {@code maxCount} events if the rate allows it now. Returns null when the rate requires a wait
     * (see {@link #nanosUntilAvailable()}), and an empty range when the run has nothing left to send.
     */
    Range claim(int maxCount) {
        if (isExhausted()) {
            return new Range(totalEvents, 0);
        }
        if (!rate.tryAcquire(maxCount)) {
            return null;
        }
        long first = nextSequence.getAndAdd(maxCount);
        int count = (int) Math.max(0, Math.min(maxCount, totalEvents - first));
        return new Range(first, count);
    }
}
