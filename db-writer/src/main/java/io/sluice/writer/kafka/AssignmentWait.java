package io.sluice.writer.kafka;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Tracks how long the consumer has owned no partitions, so the poll loop can log once when the wait gets long. After
 * a {@code kill -9} the group keeps the dead member, and its partitions, until its session times out, and nothing
 * else in the log explains why the writer writes nothing meanwhile.
 *
 * <p>Used by the poll thread only.
 */
final class AssignmentWait {
    static final Duration DEFAULT_LOG_AFTER = Duration.ofSeconds(10);

    private final Duration logAfter;
    private final LongSupplier nanoClock;
    /** Start of the current time without partitions, or -1 while partitions are owned. */
    private long emptySinceNanos = -1;
    private boolean logged;

    AssignmentWait(Duration logAfter, LongSupplier nanoClock) {
        this.logAfter = logAfter;
        this.nanoClock = nanoClock;
    }

    /** Records the number of partitions owned after a subscription or a rebalance. */
    void partitionsChanged(int ownedPartitions) {
        if (ownedPartitions > 0) {
            emptySinceNanos = -1;
            logged = false;
        } else if (emptySinceNanos < 0) {
            emptySinceNanos = nanoClock.getAsLong();
        }
    }

    /** Returns true once per time without partitions, when it has lasted longer than {@link #logAfter}. */
    boolean shouldLog() {
        if (logged || emptySinceNanos < 0 || nanoClock.getAsLong() - emptySinceNanos <= logAfter.toNanos()) {
            return false;
        }
        logged = true;
        return true;
    }

    Duration logAfter() {
        return logAfter;
    }
}
