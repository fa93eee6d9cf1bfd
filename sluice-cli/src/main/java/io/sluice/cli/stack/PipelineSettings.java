package io.sluice.cli.stack;

import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.writer.config.WriterConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds gateway and writer settings for a pipeline on the embedded stack. Everything binds to 127.0.0.1.
 * Environment variables are not read here, so a SLUICE_* variable meant for one service cannot break the other.
 */
public final class PipelineSettings {

    private final Map<String, String> gateway = new LinkedHashMap<>();
    private final Map<String, String> writer = new LinkedHashMap<>();

    public PipelineSettings(String bootstrapServers, EmbeddedPostgres postgres, String topic, int partitions) {
        gateway.put("gateway.bind.host", "127.0.0.1");
        gateway.put("gateway.http.port", "0");
        gateway.put("gateway.tcp.port", "0");
        gateway.put("gateway.admin.port", "0");
        gateway.put("gateway.topics", topic);
        gateway.put("gateway.tcp.topic", topic);
        gateway.put("gateway.topics.create", "true");
        gateway.put("gateway.topics.partitions", Integer.toString(partitions));
        gateway.put("kafka.bootstrap.servers", bootstrapServers);

        writer.put("writer.bind.host", "127.0.0.1");
        writer.put("writer.admin.port", "0");
        writer.put("writer.topics", topic);
        writer.put("writer.jdbc.url", postgres.jdbcUrl());
        writer.put("writer.jdbc.user", postgres.user());
        writer.put("writer.jdbc.password", postgres.password());
        writer.put("kafka.bootstrap.servers", bootstrapServers);
    }

    public PipelineSettings gateway(String key, Object value) {
        gateway.put(key, String.valueOf(value));
        return this;
    }

    public PipelineSettings writer(String key, Object value) {
        writer.put(key, String.valueOf(value));
        return this;
    }

    public Settings gatewaySettings() {
        return Settings.load(GatewayConfig.DEFINITION, null, Map.of(), new HashMap<>(gateway));
    }

    public Settings writerSettings() {
        return Settings.load(WriterConfig.DEFINITION, null, Map.of(), new HashMap<>(writer));
    }
}
