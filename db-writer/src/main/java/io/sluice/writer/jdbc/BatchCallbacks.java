package io.sluice.writer.jdbc;

import org.apache.kafka.common.TopicPartition;

/**
 * Events a writer thread reports to the poll side. Called on writer threads, so implementations must be thread safe.
 */
public interface BatchCallbacks {

    /** Returns whether this writer still owns {@code partition}; a batch of a revoked partition is not retried. */
    boolean isAssigned(TopicPartition partition);

    /** Called after the database commit of a batch, so its offsets can be committed to Kafka. */
    void committed(BatchResult.Committed result);

    /** Called for a stale batch, before the queue releases it, so the partition can be sought to the stored offset. */
    void stale(BatchResult.Stale result);

    /** Called with the outcome of every transaction attempt, for readiness. */
    void databaseAvailable(boolean available);
}
