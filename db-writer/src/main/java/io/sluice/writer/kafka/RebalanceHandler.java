package io.sluice.writer.kafka;

import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/** Forwards rebalance callbacks, which the consumer runs on the poll thread inside {@code poll()}, to the loop. */
final class RebalanceHandler implements ConsumerRebalanceListener {
    private final PollLoop loop;

    RebalanceHandler(PollLoop loop) {
        this.loop = loop;
    }

    /** Drops queued records of the partitions, waits for their in-flight batches and commits their offsets. */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        loop.partitionsRevoked(partitions, true);
    }

    /** Like a revocation, without the commit: another member may already own the partitions. */
    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        loop.partitionsRevoked(partitions, false);
    }

    /** Seeks the new partitions to their stored offsets and pauses them while the writer is paused. */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        loop.partitionsAssigned(partitions);
    }
}
