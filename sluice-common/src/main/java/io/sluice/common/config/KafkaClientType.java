package io.sluice.common.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A Kafka client that pass-through settings configure, with the setting names and parsers that kafka-clients itself
 * declares. Used to reject misspelt or invalid {@code kafka.*} settings at start instead of when the client is built.
 */
enum KafkaClientType {

    PRODUCER("Kafka producer", ConfigDef.KAFKA_PRODUCER_PREFIX, ProducerConfig.configDef()),
    CONSUMER("Kafka consumer", ConfigDef.KAFKA_CONSUMER_PREFIX, ConsumerConfig.configDef()),
    ADMIN("Kafka admin client", ConfigDef.KAFKA_ADMIN_PREFIX, AdminClientConfig.configDef());

    /**
     * Name families accepted without being declared: login modules, SSL engine factories and config providers read
     * options under these that the clients' definitions do not list.
     */
    static final List<String> UNDECLARED_FAMILIES = List.of("sasl.", "ssl.", "config.providers.");

    private final String displayName;
    private final String prefix;
    private final org.apache.kafka.common.config.ConfigDef kafkaDef;

    KafkaClientType(String displayName, String prefix, org.apache.kafka.common.config.ConfigDef kafkaDef) {
        this.displayName = displayName;
        this.prefix = prefix;
        this.kafkaDef = kafkaDef;
    }

    /** Returns the client configured by keys under {@code prefix}, or {@code null} for any other prefix. */
    static KafkaClientType forPrefix(String prefix) {
        for (KafkaClientType client : values()) {
            if (client.prefix.equals(prefix)) {
                return client;
            }
        }
        return null;
    }

    String displayName() {
        return displayName;
    }

    String prefix() {
        return prefix;
    }

    /** Setting names this client declares, including internal ones. */
    Set<String> names() {
        return kafkaDef.names();
    }

    boolean declares(String name) {
        return kafkaDef.configKeys().containsKey(name);
    }

    /** True for a declared name or a name in one of the {@link #UNDECLARED_FAMILIES}. */
    boolean accepts(String name) {
        return declares(name) || isInUndeclaredFamily(name);
    }

    static boolean isInUndeclaredFamily(String name) {
        return UNDECLARED_FAMILIES.stream().anyMatch(name::startsWith);
    }

    /** True when the client declares {@code name} as a password, which Kafka masks in its own logs. */
    boolean isPassword(String name) {
        org.apache.kafka.common.config.ConfigDef.ConfigKey key = kafkaDef.configKeys().get(name);
        return key != null && key.type == org.apache.kafka.common.config.ConfigDef.Type.PASSWORD;
    }

    /**
     * Parses one value with the client's declared type and validator.
     *
     * @return Kafka's error message, or {@code null} when the value is valid or the name is not declared
     */
    String checkValue(String name, Object value) {
        org.apache.kafka.common.config.ConfigDef.ConfigKey key = kafkaDef.configKeys().get(name);
        if (key == null) {
            return null;
        }
        try {
            Object parsed = org.apache.kafka.common.config.ConfigDef.parseType(name, value, key.type);
            if (key.validator != null) {
                key.validator.ensureValid(name, parsed);
            }
            return null;
        } catch (org.apache.kafka.common.config.ConfigException e) {
            return e.getMessage();
        }
    }

    /**
     * Builds the client's own config object from {@code config}, which runs the checks that span several settings
     * (for the producer: {@code acks} must be {@code all} with {@code enable.idempotence=true}). Missing serializers
     * and deserializers are filled with byte-array ones for the check only, because services may pass instances to
     * the client constructor instead.
     *
     * <p>NOTE: the producer check logs the full {@code ProducerConfig values} block at info, as the producer itself
     * does when it starts, because kafka-clients 4.4.0 offers no public producer config constructor without it.
     *
     * @throws org.apache.kafka.common.config.ConfigException with Kafka's message when the client rejects the map
     */
    void parseAll(Map<String, ?> config) {
        Map<String, Object> copy = new HashMap<>(config);
        switch (this) {
            case PRODUCER -> {
                copy.putIfAbsent(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
                copy.putIfAbsent(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
                checkDeliveryTimeout(new ProducerConfig(copy), config);
            }
            case CONSUMER -> {
                copy.putIfAbsent(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
                copy.putIfAbsent(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
                new QuietConsumerConfig(copy);
            }
            default -> new QuietAdminClientConfig(copy);
        }
    }

    /**
     * Repeats a check that the {@code KafkaProducer} constructor makes in kafka-clients 4.4.0, not
     * {@code ProducerConfig}: a {@code delivery.timeout.ms} that is set must cover {@code linger.ms} plus
     * {@code request.timeout.ms}. An unset one is raised by the producer itself.
     */
    private static void checkDeliveryTimeout(ProducerConfig parsed, Map<String, ?> config) {
        if (!config.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
            return;
        }
        long deliveryTimeoutMs = millis(parsed, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        long minimumMs = millis(parsed, ProducerConfig.LINGER_MS_CONFIG)
                + millis(parsed, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        if (deliveryTimeoutMs < minimumMs) {
            throw new org.apache.kafka.common.config.ConfigException("delivery.timeout.ms is " + deliveryTimeoutMs
                    + " but must be at least linger.ms + request.timeout.ms, which is " + minimumMs
                    + ": raise delivery.timeout.ms or lower the other two");
        }
    }

    private static long millis(ProducerConfig parsed, String name) {
        return ((Number) parsed.values().get(name)).longValue();
    }

    /** A consumer config that skips logging every value, since the consumer logs them again when it starts. */
    private static final class QuietConsumerConfig extends ConsumerConfig {
        QuietConsumerConfig(Map<String, Object> props) {
            super(props, false);
        }
    }

    /** An admin client config that skips logging every value. */
    private static final class QuietAdminClientConfig extends AdminClientConfig {
        QuietAdminClientConfig(Map<String, Object> props) {
            super(props, false);
        }
    }
}
