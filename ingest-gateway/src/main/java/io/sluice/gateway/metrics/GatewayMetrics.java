package io.sluice.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.gateway.backpressure.ReadGate;
import io.sluice.gateway.kafka.KafkaReachability;
import io.sluice.gateway.kafka.NonBlockingProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every {@code sluice_gateway_*} meter. The constants are Micrometer names; the Prometheus registry renders
 * them with underscores and adds {@code _total} to counters and {@code _seconds} to timers. Counters per topic
 * are created up front for the allowed topics, so the hot path does no meter look-up. Meters are removed on
 * {@link #close()}.
 */
public final class GatewayMetrics implements AutoCloseable {

    public static final String EVENTS_RECEIVED = "sluice.gateway.events.received";
    public static final String EVENTS_ACKED = "sluice.gateway.events.acked";
    public static final String EVENTS_FAILED = "sluice.gateway.events.failed";
    public static final String EVENTS_REJECTED = "sluice.gateway.events.rejected";
    public static final String RECEIVED_BYTES = "sluice.gateway.received.bytes";
    public static final String CONNECTIONS_ACTIVE = "sluice.gateway.connections.active";
    public static final String READ_PAUSES = "sluice.gateway.read.pauses";
    public static final String READ_PAUSED_SECONDS = "sluice.gateway.read.paused.seconds";
    public static final String READ_PAUSED = "sluice.gateway.read.paused";
    public static final String SEND_RETRIES = "sluice.gateway.send.retries";
    public static final String PRODUCER_BUFFER_USED_BYTES = "sluice.gateway.producer.buffer.used.bytes";
    public static final String PRODUCER_BUFFER_TOTAL_BYTES = "sluice.gateway.producer.buffer.total.bytes";
    public static final String HTTP_REQUESTS = "sluice.gateway.http.requests";
    public static final String KAFKA_REACHABLE = "sluice.gateway.kafka.reachable";

    /** Reasons for the rejected counter beyond the per-line {@code RejectReason} labels. */
    public static final String REASON_UNKNOWN_TOPIC = "unknown_topic";
    public static final String REASON_UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    public static final String REASON_TOO_MANY_CONNECTIONS = "too_many_connections";
    public static final String REASON_BAD_REQUEST = "bad_request";
    public static final String REASON_HEADER_TIMEOUT = "header_timeout";

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<Transport, Map<String, TopicCounters>> topicCounters = new EnumMap<>(Transport.class);
    private final Map<Transport, AtomicInteger> activeConnections = new EnumMap<>(Transport.class);
    private final Map<Transport, Counter> receivedBytes = new EnumMap<>(Transport.class);
    private final Counter sendRetries;

    /** Counters of one transport and topic. */
    public record TopicCounters(Counter received, Counter acked, Counter failed) {
    }

    public GatewayMetrics(MeterRegistry registry, Collection<String> topics) {
        this.registry = registry;
        for (Transport transport : Transport.values()) {
            topicCounters.put(transport, createTopicCounters(transport, topics));
            receivedBytes.put(transport, register(Counter.builder(RECEIVED_BYTES)
                    .description("Body bytes read from ingest sockets")
                    .tag("transport", transport.label()).register(registry)));
            activeConnections.put(transport, gaugeConnections(transport));
        }
        sendRetries = register(Counter.builder(SEND_RETRIES)
                .description("Sends retried after the producer buffer was exhausted").register(registry));
    }

    /** Registers the pause meters read from {@code gate}. */
    public void bindReadGate(ReadGate gate) {
        register(FunctionCounter.builder(READ_PAUSES, gate, ReadGate::pauseCount)
                .description("Times socket reads were paused for a full producer buffer").register(registry));
        register(FunctionCounter.builder(READ_PAUSED_SECONDS, gate, ReadGate::pausedSeconds)
                .description("Time spent with socket reads paused, in seconds").register(registry));
        register(Gauge.builder(READ_PAUSED, gate, g -> g.isPaused() ? 1 : 0)
                .description("1 while socket reads are paused for a full producer buffer").register(registry));
    }

    /** Registers the producer buffer gauges read from {@code producer}. */
    public void bindProducer(NonBlockingProducer producer) {
        register(Gauge.builder(PRODUCER_BUFFER_USED_BYTES, producer, NonBlockingProducer::bufferUsedBytes)
                .description("Producer buffer.memory in use, in bytes").register(registry));
        register(Gauge.builder(PRODUCER_BUFFER_TOTAL_BYTES, producer, NonBlockingProducer::bufferTotalBytes)
                .description("Producer buffer.memory, in bytes").register(registry));
    }

    /** Registers the gauge of whether the Kafka cluster responded to the last check. */
    public void bindKafkaReachability(KafkaReachability reachability) {
        register(Gauge.builder(KAFKA_REACHABLE, reachability, r -> r.isReachable() ? 1 : 0)
                .description("1 while the Kafka cluster responded to the last check; /readyz is 503 while 0")
                .register(registry));
    }

    /** Counters for {@code topic}, which must be one of the allowed topics. */
    public TopicCounters topic(Transport transport, String topic) {
        TopicCounters counters = topicCounters.get(transport).get(topic);
        if (counters == null) {
            throw new IllegalArgumentException("no meters for topic '" + topic + "'; it is not an allowed topic");
        }
        return counters;
    }

    public void rejected(Transport transport, String reason) {
        Counter.builder(EVENTS_REJECTED)
                .description("Rejected lines and requests, by reason")
                .tags("transport", transport.label(), "reason", reason)
                .register(registry)
                .increment();
    }

    public void receivedBytes(Transport transport, long bytes) {
        receivedBytes.get(transport).increment(bytes);
    }

    public void sendRetried() {
        sendRetries.increment();
    }

    public AtomicInteger activeConnections(Transport transport) {
        return activeConnections.get(transport);
    }

    public void httpRequest(int status, Duration duration) {
        Timer.builder(HTTP_REQUESTS)
                .description("HTTP ingest request duration, from the request head to the response")
                .tag("status", Integer.toString(status))
                .register(registry)
                .record(duration);
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        registry.find(EVENTS_REJECTED).meters().forEach(registry::remove);
        registry.find(HTTP_REQUESTS).meters().forEach(registry::remove);
    }

    private Map<String, TopicCounters> createTopicCounters(Transport transport, Collection<String> topics) {
        Map<String, TopicCounters> byTopic = new HashMap<>();
        for (String topic : topics) {
            byTopic.put(topic, new TopicCounters(
                    topicCounter(EVENTS_RECEIVED, "Valid lines handed to the producer", transport, topic),
                    topicCounter(EVENTS_ACKED, "Events acknowledged by Kafka", transport, topic),
                    topicCounter(EVENTS_FAILED, "Events Kafka failed, reported to the client", transport, topic)));
        }
        return byTopic;
    }

    private Counter topicCounter(String name, String description, Transport transport, String topic) {
        return register(Counter.builder(name).description(description)
                .tags("transport", transport.label(), "topic", topic).register(registry));
    }

    private AtomicInteger gaugeConnections(Transport transport) {
        AtomicInteger count = new AtomicInteger();
        register(Gauge.builder(CONNECTIONS_ACTIVE, count, AtomicInteger::get)
                .description("Open ingest connections")
                .tag("transport", transport.label())
                .strongReference(true)
                .register(registry));
        return count;
    }

    private <M extends Meter> M register(M meter) {
        meters.add(meter);
        return meter;
    }
}
