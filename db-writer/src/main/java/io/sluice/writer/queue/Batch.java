package io.sluice.writer.queue;

import java.util.List;
import org.apache.kafka.common.TopicPartition;

/** Consecutive records of one partition, in offset order, written in one transaction. */
public record Batch(TopicPartition partition, List<WriterRecord> records) {

    public Batch {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("A batch needs at least one record, partition " + partition);
        }
        records = List.copyOf(records);
    }

    public long firstOffset() {
        return records.get(0).offset();
    }

    public long lastOffset() {
        return records.get(records.size() - 1).offset();
    }

    /** Returns the offset to store after this batch, the last offset plus one. */
    public long nextOffset() {
        return lastOffset() + 1;
    }

    public int size() {
        return records.size();
    }

    /** Returns the sum of {@link WriterRecord#sizeBytes} over the records. */
    public long sizeBytes() {
        long bytes = 0;
        for (WriterRecord record : records) {
            bytes += record.sizeBytes();
        }
        return bytes;
    }
}
