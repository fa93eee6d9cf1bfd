package io.sluice.writer;

import io.sluice.common.config.Settings;
import io.sluice.common.kafka.TopicReadiness;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.writer.config.WriterConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A real Kafka broker and a real PostgreSQL for writer tests, with helpers to produce records and query tables. */
final class WriterTestStack implements AutoCloseable {
    final EmbeddedKafka kafka;
    final EmbeddedPostgres postgres;
    final Admin admin;

    WriterTestStack() {
        EmbeddedKafka.trapExitsForTests();
        this.kafka = EmbeddedKafka.start();
        this.postgres = EmbeddedPostgres.start();
        this.admin = kafka.createAdmin();
    }

    /** A test's own topic and tables, so tests sharing the stack do not see each other's rows. */
    record Scope(String topic, String group, String events, String offsets, String deadLetters) {
    }

    Scope newScope(String name, int partitions) {
        String suffix = name + "_" + UUID.randomUUID().toString().substring(0, 8);
        Scope scope = new Scope("t_" + suffix, "g_" + suffix, "ev_" + suffix, "off_" + suffix, "dl_" + suffix);
        TopicReadiness.ensureTopics(admin, List.of(scope.topic()), true, partitions, (short) 1,
                Duration.ofSeconds(30));
        return scope;
    }

    Settings settings(Scope scope, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put(WriterConfig.BIND_HOST.name(), "127.0.0.1");
        values.put(WriterConfig.ADMIN_PORT.name(), "0");
        values.put(WriterConfig.TOPICS.name(), scope.topic());
        values.put(WriterConfig.GROUP_ID.name(), scope.group());
        values.put(WriterConfig.JDBC_URL.name(), postgres.jdbcUrl());
        values.put(WriterConfig.JDBC_USER.name(), postgres.user());
        values.put(WriterConfig.JDBC_PASSWORD.name(), postgres.password());
        values.put(WriterConfig.TABLE_EVENTS.name(), scope.events());
        values.put(WriterConfig.TABLE_OFFSETS.name(), scope.offsets());
        values.put(WriterConfig.TABLE_DEAD_LETTERS.name(), scope.deadLetters());
        values.put(WriterConfig.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers());
        values.put(WriterConfig.SHUTDOWN_TIMEOUT.name(), "20s");
        values.putAll(overrides);
        return Settings.of(WriterConfig.DEFINITION, values);
    }

    /** Produces {@code count} JSON records round robin over {@code partitions} and waits for every ack. */
    void produce(String topic, int partitions, int firstId, int count) throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (int i = firstId; i < firstId + count; i++) {
            values.add(("{\"id\":" + i + ",\"source\":\"writer-test\",\"amount\":" + (i % 997) + "}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        produceValues(topic, partitions, values);
    }

    void produceValues(String topic, int partitions, List<byte[]> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig())) {
            List<Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
                acks.add(producer.send(new ProducerRecord<>(topic, i % partitions, key, values.get(i))));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
        }
    }

    private Properties producerConfig() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    Map<Integer, Long> endOffsets(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin.listOffsets(request).all().get();
        return result.entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    Map<Integer, Long> committedKafkaOffsets(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return committed.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    /** Sets the group's committed Kafka offsets to 0; the group must have no members. */
    void rewindGroup(String group, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
        }
        admin.alterConsumerGroupOffsets(group, offsets).all().get();
    }

    long queryLong(String sql) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            resultSet.next();
            return resultSet.getLong(1);
        }
    }

    Map<Integer, Long> storedOffsets(Scope scope) throws SQLException {
        Map<Integer, Long> offsets = new HashMap<>();
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(
                        "SELECT kafka_partition, next_offset FROM \"" + scope.offsets() + "\"")) {
            while (resultSet.next()) {
                offsets.put(resultSet.getInt(1), resultSet.getLong(2));
            }
        }
        return offsets;
    }

    /** Returns, per partition, the row count, distinct offsets and the highest offset plus one, for gap checks. */
    Map<Integer, long[]> partitionCoverage(Scope scope) throws SQLException {
        Map<Integer, long[]> coverage = new HashMap<>();
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT kafka_partition, count(*), "
                        + "count(DISTINCT kafka_offset), max(kafka_offset) + 1 FROM \"" + scope.events()
                        + "\" GROUP BY kafka_partition")) {
            while (resultSet.next()) {
                coverage.put(resultSet.getInt(1),
                        new long[] {resultSet.getLong(2), resultSet.getLong(3), resultSet.getLong(4)});
            }
        }
        return coverage;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        postgres.close();
        kafka.close();
    }
}
