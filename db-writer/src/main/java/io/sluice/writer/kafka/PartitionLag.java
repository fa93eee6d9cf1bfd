package io.sluice.writer.kafka;

import io.sluice.writer.queue.BatchQueue;
import java.time.Clock;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/**
 * Lag state of one assigned partition, read by the lag gauges.
 *
 * <p>Thread safety: every field is volatile. The poll thread sets the log end offset and the start offset, writer
 * threads set the stored offset and the last written timestamp, and the metrics scrape reads them.
 */
final class PartitionLag {
    private final TopicPartition partition;
    private final BatchQueue queue;
    private final Clock clock;
    /** Next offset stored in PostgreSQL, or -1 while the partition has no offset row. */
    private volatile long storedNextOffset = -1;
    /**
     * Consumer position at assignment when the partition had no offset row, the stand-in for the stored offset.
     * NOTE: read after the first fetch when the position lookup timed out at assignment, and then too high.
     */
    private volatile long startOffset = -1;
    private volatile long logEndOffset = -1;
    private volatile long lastWrittenTimestampMs = -1;

    PartitionLag(TopicPartition partition, BatchQueue queue, Clock clock) {
        this.partition = partition;
        this.queue = queue;
        this.clock = clock;
    }

    TopicPartition partition() {
        return partition;
    }

    void storedNextOffset(long offset) {
        storedNextOffset = offset;
    }

    boolean hasStoredOffset() {
        return storedNextOffset >= 0;
    }

    boolean hasStartOffset() {
        return startOffset >= 0;
    }

    void startOffset(long offset) {
        startOffset = offset;
    }

    void logEndOffset(long offset) {
        logEndOffset = offset;
    }

    void written(long nextOffset, long lastTimestampMs) {
        storedNextOffset = nextOffset;
        lastWrittenTimestampMs = lastTimestampMs;
    }

    /** Log end offset minus the next offset stored in PostgreSQL, or 0 until both are known. */
    double lagRecords() {
        long end = logEndOffset;
        long next = storedNextOffset >= 0 ? storedNextOffset : startOffset;
        return end < 0 || next < 0 ? 0 : Math.max(0, end - next);
    }

    /**
     * Age in seconds of the oldest record of the partition not yet written. With nothing queued or in flight but a
     * positive lag, the next record is not older than the last written one, so the age of the last written record is
     * used. NOTE: that overstates the age by the gap between the two records.
     */
    double lagSeconds() {
        long now = clock.millis();
        OptionalLong oldest = queue.oldestTimestampMs(partition);
        if (oldest.isPresent()) {
            return Math.max(0, now - oldest.getAsLong()) / 1000.0;
        }
        long lastWritten = lastWrittenTimestampMs;
        if (lagRecords() > 0 && lastWritten >= 0) {
            return Math.max(0, now - lastWritten) / 1000.0;
        }
        return 0;
    }
}
