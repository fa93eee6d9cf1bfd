package io.sluice.gateway.kafka;

import java.time.Duration;
import java.util.Collection;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads producer metadata for every allowed topic at start. With {@code max.block.ms=0} a send to a topic whose
 * metadata is not cached fails at once, and so does {@code partitionsFor}; each failed call still requests
 * the metadata, so retrying until it succeeds warms the cache.
 */
public final class MetadataWarmup {

    private static final Logger log = LoggerFactory.getLogger(MetadataWarmup.class);
    private static final long RETRY_INTERVAL_MS = 50;

    private MetadataWarmup() {
    }

    /** Retries {@code partitionsFor} for each topic until it works; throws when {@code timeout} passes first. */
    public static void warmUp(Producer<?, ?> producer, Collection<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String topic : topics) {
            int partitions = awaitPartitions(producer, topic, deadline, timeout);
            log.info("Producer metadata ready for topic {} ({} partitions)", topic, partitions);
        }
    }

    private static int awaitPartitions(Producer<?, ?> producer, String topic, long deadline, Duration timeout) {
        KafkaException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return producer.partitionsFor(topic).size();
            } catch (KafkaException e) {
                last = e;
            }
            sleep();
        }
        throw new KafkaException("producer metadata for topic " + topic + " did not load within " + timeout
                + " (gateway.topics.ready.timeout); check that the broker is reachable", last);
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_INTERVAL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for producer metadata", e);
        }
    }
}
