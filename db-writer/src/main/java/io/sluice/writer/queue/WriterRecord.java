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
}
