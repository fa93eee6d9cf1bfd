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

    private ProducerSettings() {
    }

    /**
     * Returns the producer configuration. {@code max.block.ms} is forced to 0, so {@code send()} does not wait for
     * buffer space or metadata on an event loop. Setting it to anything else is a configuration error.
     */
    public static Map<String, Object> from(Settings settings) {
        Map<String, Object> overrides = settings.passThrough(ConfigDef.KAFKA_PRODUCER_PREFIX);
        Object maxBlock = overrides.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        if (maxBlock != null && !"0".equals(String.valueOf(maxBlock).trim())) {
            throw new ConfigException(ConfigDef.KAFKA_PRODUCER_PREFIX + ProducerConfig.MAX_BLOCK_MS_CONFIG + "="
                    + maxBlock + " is not allowed: the gateway needs max.block.ms=0 so a full producer buffer "
                    + "pauses socket reads instead of blocking the event loop; remove the setting");
        }
        Map<String, Object> config = new LinkedHashMap<>(DEFAULTS);
        config.putAll(overrides);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "0");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sluice-gateway");
        return config;
    }
}
