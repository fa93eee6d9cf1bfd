package io.sluice.gateway.kafka;

import java.time.Clock;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds the Kafka record of one accepted line: value unchanged, optional key, gateway receive time. */
public final class RecordFactory {

    private final Clock clock;

    public RecordFactory(Clock clock) {
        this.clock = clock;
    }

    /** Current receive time in epoch milliseconds, to stamp every line of one read with the same value. */
    public long receiveTimeMs() {
        return clock.millis();
    }

    public ProducerRecord<byte[], byte[]> create(String topic, byte[] key, byte[] value, long receiveTimeMs) {
        return new ProducerRecord<>(topic, null, receiveTimeMs, key, value);
    }
}
