package io.sluice.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.common.kafka.TopicReadiness;
import io.sluice.common.kafka.TopicReadinessException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EmbeddedKafkaTest {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private static EmbeddedKafka kafka;
    private static Admin admin;
    private static String trappedExitBefore;

    @BeforeAll
    static void startBroker() {
        EmbeddedKafka.trapExitsForTests();
        trappedExitBefore = EmbeddedKafka.trappedExit().orElse(null);
        kafka = EmbeddedKafka.start(null, Map.of("num.network.threads", "2"));
        admin = kafka.createAdmin();
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (kafka != null) {
            Path dataDir = kafka.dataDir();
            kafka.close();
            assertThat(Files.exists(dataDir)).as("temporary data directory deleted").isFalse();
        }
        assertThat(EmbeddedKafka.trappedExit().orElse(null)).as("no halt requested by the broker")
                .isEqualTo(trappedExitBefore);
    }

    @Test
    void bootstrapIsLoopback() {
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.brokerPort());
        assertThat(kafka.controllerPort()).isNotEqualTo(kafka.brokerPort());
    }

    @Test
    void produceAndConsumeThousandRecords() throws Exception {
        String topic = "roundtrip";
        Map<String, Integer> partitions = TopicReadiness.ensureTopics(admin, List.of(topic), true, 3, (short) 1,
                READY_TIMEOUT);
        assertThat(partitions).containsEntry(topic, 3);

        int count = 1000;
        produce(topic, count);
        Set<String> values = consume(topic, count);

        assertThat(values).hasSize(count);
        assertThat(values).contains("{\"n\":0}", "{\"n\":999}");
    }

    @Test
    void missingTopicWithoutCreateNamesKey() {
        assertThatThrownBy(() -> TopicReadiness.ensureTopics(admin, List.of("absent-a", "absent-b"), false, 1,
                (short) 1, READY_TIMEOUT))
                .isInstanceOf(TopicReadinessException.class)
                .hasMessageContaining("[absent-a, absent-b]")
                .hasMessageContaining("gateway.topics.create");
    }

    @Test
    void existingTopicKeepsPartitionCount() {
        TopicReadiness.ensureTopics(admin, List.of("existing"), true, 2, (short) 1, READY_TIMEOUT);
        Map<String, Integer> again = TopicReadiness.ensureTopics(admin, List.of("existing"), true, 6, (short) 1,
                READY_TIMEOUT);
        assertThat(again).containsEntry("existing", 2);
        assertThat(TopicReadiness.awaitReady(admin, List.of("existing"), READY_TIMEOUT)).containsEntry("existing", 2);
    }

    @Test
    void invalidReplicationFactorFails() {
        assertThatThrownBy(() -> TopicReadiness.ensureTopics(admin, List.of("replicated"), true, 1, (short) 3,
                READY_TIMEOUT))
                .isInstanceOf(TopicReadinessException.class)
                .hasMessageContaining("failed to create topic replicated")
                .hasMessageContaining("replication factor 3");
    }

    @Test
    void awaitReadyTimesOutOnMissingTopic() {
        assertThatThrownBy(() -> TopicReadiness.awaitReady(admin, List.of("never-created"), Duration.ofMillis(500)))
                .isInstanceOf(TopicReadinessException.class)
                .hasMessageContaining("never-created")
                .hasMessageContaining("timed out");
    }

    private static void produce(String topic, int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, "k" + i, "{\"n\":" + i + "}")));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        }
    }

    private static Set<String> consume(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-test");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Set<String> values = new HashSet<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
