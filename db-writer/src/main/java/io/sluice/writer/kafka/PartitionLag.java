package io.sluice.writer.kafka;

import io.sluice.writer.queue.BatchQueue;
import java.time.Clock;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/**
 * Lag state of one assigned partition, read by the lag gauges.
 *
 * <p>Thread safety: every field is volatile. The poll thread sets the lag read at each log end offset refresh and the
 * start offset, writer threads set the stored offset and the last written timestamp, and the metrics scrape reads them.
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
    /**
     * Log end offset minus the next offset, both taken at the last refresh. Pairing a refreshed log end offset with
     * the live stored offset would read 0 under a flood as soon as the writer passes the log end offset of the last
     * refresh, although the log has grown since.
     */
    private volatile long lagRecordsAtRefresh;
    /** Highest log end offset any refresh has read for this assignment; only the poll thread writes it. */
    private volatile long highestLogEndOffset = -1;
    /** Wall clock time of the refresh that first showed the current backlog, or -1 while the lag is 0. */
    private volatile long backlogSeenMs = -1;
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

    /** Returns the next offset stored in PostgreSQL, or the start offset without one, or -1 while neither is known. */
    long nextOffset() {
        long stored = storedNextOffset;
        return stored >= 0 ? stored : startOffset;
    }

    /**
     * Records a refresh: the log end offset read at {@code nowMs}, and the {@link #nextOffset} taken before the read
     * was sent, so the lag is never below the backlog at that moment.
     */
    void logEndOffset(long logEndOffset, long nextOffsetBeforeRead, long nowMs) {
        // A partition that was paused and just resumed reports the log end offset of its last fetch before the
        // pause, older than one read while it was paused. Log end offsets only grow (short of an unclean leader
        // election truncating the log), so keep the highest seen.
        logEndOffset = Math.max(logEndOffset, highestLogEndOffset);
        highestLogEndOffset = logEndOffset;
        long lag = 0;
        if (logEndOffset >= 0 && nextOffsetBeforeRead >= 0) {
            lag = Math.max(0, logEndOffset - nextOffsetBeforeRead);
        }
        lagRecordsAtRefresh = lag;
        if (lag == 0) {
            backlogSeenMs = -1;
        } else if (backlogSeenMs < 0) {
            backlogSeenMs = nowMs;
        }
    }

    void written(long nextOffset, long lastTimestampMs) {
        storedNextOffset = nextOffset;
        lastWrittenTimestampMs = lastTimestampMs;
    }

    /**
     * Log end offset minus the next offset stored in PostgreSQL, as of the last refresh, or 0 until both are known.
     * Between refreshes the value is up to one refresh interval old.
     */
    double lagRecords() {
        return lagRecordsAtRefresh;
    }

    /**
     * Age in seconds of the oldest record of the partition not yet written. With nothing queued or in flight but a
     * positive lag, the next record is not older than the last written one, so the age of the last written record is
     * used. NOTE: that overstates the age by the gap between the two records. When this writer has neither fetched
     * nor written a record of the partition yet (just assigned, or paused before its first fetch), the time since a
     * refresh first showed the backlog is used. NOTE: that is a lower bound, and it restarts on every assignment.
     */
    double lagSeconds() {
        long now = clock.millis();
        OptionalLong oldest = queue.oldestTimestampMs(partition);
        if (oldest.isPresent()) {
            return Math.max(0, now - oldest.getAsLong()) / 1000.0;
        }
        if (lagRecords() == 0) {
            return 0;
        }
        long lastWritten = lastWrittenTimestampMs;
        long since = lastWritten >= 0 ? lastWritten : backlogSeenMs;
        return since < 0 ? 0 : Math.max(0, now - since) / 1000.0;
    }
}
