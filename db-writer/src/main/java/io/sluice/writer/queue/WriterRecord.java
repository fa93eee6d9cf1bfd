package io.sluice.writer.queue;

import org.apache.kafka.common.TopicPartition;

/**
 * One Kafka record on its way to PostgreSQL.
 *
 * @param key the record key bytes, or null
 * @param value the NDJSON line as received by the gateway
 * @param timestampMs the record timestamp (the gateway's receive time) in epoch milliseconds
 */
public record WriterRecord(TopicPartition partition, long offset, byte[] key, byte[] value, long timestampMs) {

    /**
     * Heap a queued record takes besides its key and value: the record object, two array headers, the queue slot
     * and the batch list slot. An estimate for a 64-bit JVM with compressed references, rounded up.
     */
    public static final int OVERHEAD_BYTES = 128;

    /** Returns the bytes this record counts against the queue's byte capacity: key, value and the overhead. */
    public long sizeBytes() {
        long keyBytes = key == null ? 0 : key.length;
        long valueBytes = value == null ? 0 : value.length;
        return keyBytes + valueBytes + OVERHEAD_BYTES;
    }
}
