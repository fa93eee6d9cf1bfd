package io.sluice.it;

import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.gateway.Gateway;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.writer.DbWriter;
import io.sluice.writer.config.WriterConfig;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A real broker and a real PostgreSQL shared by the end-to-end tests of one class, with helpers to start the
 * gateway and writers against them and to read what reached the events table.
 */
final class PipelineStack implements AutoCloseable {

    static final String TOPIC = "events";

    final EmbeddedKafka kafka;
    final EmbeddedPostgres postgres;

    private PipelineStack(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    static PipelineStack start() {
        EmbeddedKafka kafka = EmbeddedKafka.start(null, Map.of());
        try {
            return new PipelineStack(kafka, EmbeddedPostgres.start(null, true));
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    Map<String, String> gatewayOverrides() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("gateway.bind.host", "127.0.0.1");
        overrides.put("gateway.http.port", "0");
        overrides.put("gateway.tcp.port", "0");
        overrides.put("gateway.admin.port", "0");
        overrides.put("gateway.topics", TOPIC);
        overrides.put("gateway.tcp.topic", TOPIC);
        overrides.put("gateway.topics.create", "true");
        overrides.put("gateway.topics.partitions", "6");
        overrides.put("gateway.key.field", "account");
        overrides.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        return overrides;
    }

    Map<String, String> writerOverrides() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("writer.bind.host", "127.0.0.1");
        overrides.put("writer.admin.port", "0");
        overrides.put("writer.topics", TOPIC);
        overrides.put("writer.group.id", "it-writers");
        overrides.put("writer.jdbc.url", postgres.jdbcUrl());
        overrides.put("writer.jdbc.user", postgres.user());
        overrides.put("writer.jdbc.password", postgres.password());
        overrides.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        return overrides;
    }

    Gateway startGateway() {
        return Gateway.start(Settings.load(GatewayConfig.DEFINITION, null, Map.of(), gatewayOverrides()));
    }

    DbWriter startWriter(Map<String, String> extra) {
        Map<String, String> overrides = writerOverrides();
        overrides.putAll(extra);
        return DbWriter.start(Settings.load(WriterConfig.DEFINITION, null, Map.of(), overrides));
    }

    long rowCount() throws SQLException {
        return queryLong("SELECT count(*) FROM sluice_events");
    }

    long queryLong(String sql) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Returns the event ids in the events table; a duplicate id fails the caller's size check. */
    Set<String> storedIds() throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT payload->>'id' FROM sluice_events")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /** Returns the number of partitions whose stored offsets are not exactly 0..n-1 without a hole. */
    long partitionsWithGaps() throws SQLException {
        return queryLong("SELECT count(*) FROM (SELECT kafka_partition FROM sluice_events GROUP BY kafka_partition"
                + " HAVING min(kafka_offset) <> 0 OR max(kafka_offset) + 1 <> count(*)) AS gapped");
    }

    void clearTables() throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE sluice_events, sluice_offsets, sluice_dead_letters");
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } finally {
            kafka.close();
        }
    }
}
