package io.sluice.cli.loadgen;

import java.util.BitSet;

/**
 * Sequence numbers of the events the gateway acknowledged, so a run can later check each of them in
 * PostgreSQL. Thread safe: the load generator's event loops mark, the caller reads a snapshot.
 */
public final class AckTracker {

    // Guarded by this.
    private final BitSet acknowledged = new BitSet();

    public synchronized void markAcknowledged(long sequence) {
        acknowledged.set(Math.toIntExact(sequence));
    }

    public synchronized void markRangeAcknowledged(long firstSequence, int count) {
        int from = Math.toIntExact(firstSequence);
        acknowledged.set(from, from + count);
    }

    public synchronized long count() {
        return acknowledged.cardinality();
    }

    /** Returns a copy of the acknowledged sequence numbers. */
    public synchronized BitSet snapshot() {
        return (BitSet) acknowledged.clone();
    }
}
