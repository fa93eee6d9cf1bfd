package io.sluice.gateway.config;

import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Builds the Kafka producer configuration: gateway defaults, then {@code kafka.producer.*} overrides. */
public final class ProducerSettings {

    /** Defaults the gateway sets unless {@code kafka.producer.*} overrides them. */
    public static final Map<String, Object> DEFAULTS = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.LINGER_MS_CONFIG, "5",
            ProducerConfig.BATCH_SIZE_CONFIG, "65536",
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
            ProducerConfig.BUFFER_MEMORY_CONFIG, "33554432",
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");

    /**
     * Bytes a record may need beyond its value. The batch header takes 61 bytes, the record header at most 21 and
     * the key and value lengths up to 10 (kafka-clients 4.4 estimates 86 to 88 bytes for a record without a key).
     * The rest, about 900 bytes, is room for the key. A key field can be as long as the line itself, so no bound
     * fits every key, and a line whose record still exceeds {@code max.request.size} is rejected as too_long when
     * it is sent.
     */
    public static final int RECORD_OVERHEAD_BYTES = 1024;

    private ProducerSettings() {
    }

    /**
     * Returns the producer configuration. {@code max.block.ms} is forced to 0, so {@code send()} does not wait for
     * buffer space or metadata on an event loop. Setting it to anything else is a configuration error, and so are
     * {@code acks} other than {@code all} and {@code enable.idempotence=false}: a response of 200 promises that
     * every event is acknowledged by all in-sync replicas and written once. {@code gateway.max.line.bytes} plus
     * {@link #RECORD_OVERHEAD_BYTES} must fit {@code max.request.size}, or every line at the limit would fail in the
     * producer. A smaller {@code buffer.memory} is allowed, as demos use one: a record above it is rejected as
     * too_long when it is sent.
     */
    public static Map<String, Object> from(Settings settings) {
        Map<String, Object> overrides = settings.passThrough(ConfigDef.KAFKA_PRODUCER_PREFIX);
        requireValue(overrides, ProducerConfig.MAX_BLOCK_MS_CONFIG, "0", "0",
                "so a full producer buffer pauses socket reads instead of blocking the event loop");
        requireValue(overrides, ProducerConfig.ACKS_CONFIG, "all", "-1",
                "so a success response means every in-sync replica has the events");
        requireValue(overrides, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", "true",
                "so producer retries cannot write an event twice");
        Map<String, Object> config = new LinkedHashMap<>(DEFAULTS);
        config.putAll(overrides);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "0");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sluice-gateway");
        long maxLineBytes = settings.get(GatewayConfig.MAX_LINE_BYTES);
        requireLineFits(config, overrides, maxLineBytes, ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        // Kafka's own checks of value types and combinations, before the gateway makes any connection.
        settings.validateKafkaClientConfig(ConfigDef.KAFKA_PRODUCER_PREFIX, config);
        return config;
    }

    private static void requireLineFits(Map<String, Object> config, Map<String, Object> overrides, long maxLineBytes,
            String name) {
        Object configured = config.get(name);
        long limit = configured == null
                ? ((Number) ProducerConfig.configDef().defaultValues().get(name)).longValue()
                : parseLong(name, configured);
        if (maxLineBytes + RECORD_OVERHEAD_BYTES <= limit) {
            return;
        }
        String setting = overrides.containsKey(name)
                ? ConfigDef.KAFKA_PRODUCER_PREFIX + name + "=" + limit
                : name + "=" + limit + (configured == null ? " (Kafka's default)" : " (the gateway's default)");
        throw new ConfigException(GatewayConfig.MAX_LINE_BYTES.name() + "=" + maxLineBytes + " does not fit "
                + setting + ": a record needs up to " + RECORD_OVERHEAD_BYTES + " bytes beyond its line; set "
                + GatewayConfig.MAX_LINE_BYTES.name() + " to at most " + (limit - RECORD_OVERHEAD_BYTES) + " or raise "
                + ConfigDef.KAFKA_PRODUCER_PREFIX + name);
    }

    private static long parseLong(String name, Object value) {
        try {
            return Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(ConfigDef.KAFKA_PRODUCER_PREFIX + name + "=" + value
                    + " is not a whole number of bytes; set a number such as 1048576");
        }
    }

    private static void requireValue(Map<String, Object> overrides, String name, String required, String synonym,
            String reason) {
        Object value = overrides.get(name);
        if (value == null) {
            return;
        }
        String text = String.valueOf(value).trim();
        if (!text.equalsIgnoreCase(required) && !text.equalsIgnoreCase(synonym)) {
            throw new ConfigException(ConfigDef.KAFKA_PRODUCER_PREFIX + name + "=" + value + " is not allowed: the"
                    + " gateway needs " + name + "=" + required + " " + reason + "; remove the setting");
        }
    }
}
