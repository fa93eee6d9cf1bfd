package io.sluice.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.kafka.TopicReadiness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(90)
class EmbeddedKafkaRestartTest {

    private static final String TOPIC = "kept";
    private static final int RECORDS = 200;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void trapBrokerExits() {
        EmbeddedKafka.trapExitsForTests();
    }

    @Test
    void keptDataDirRestartsWithRecords() throws Exception {
        String clusterIdBefore;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, Map.of())) {
            try (Admin admin = kafka.createAdmin()) {
                TopicReadiness.ensureTopics(admin, List.of(TOPIC), true, 2, (short) 1, Duration.ofSeconds(20));
                clusterIdBefore = admin.describeCluster().clusterId().get();
            }
            produce(kafka.bootstrapServers());
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, Map.of())) {
            try (Admin admin = kafka.createAdmin()) {
                assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterIdBefore);
            }
            List<String> values = consumeFromStart(kafka.bootstrapServers());
            assertThat(values).hasSize(RECORDS);
            assertThat(values).contains("{\"n\":0}", "{\"n\":199}");
        }
        assertThat(dataDir.resolve("logs").resolve("meta.properties")).exists();
    }

    @Test
    void newDataDirGetsNewClusterId() {
        Map<String, String> config = EmbeddedKafka.defaultConfig(dataDir, 1, 2);

        String first = EmbeddedKafka.clusterId(config);
        String second = EmbeddedKafka.clusterId(config);

        assertThat(first).isNotBlank();
        assertThat(second).isNotEqualTo(first);
    }

    private static void produce(String bootstrapServers) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                acks.add(producer.send(new ProducerRecord<>(TOPIC, "k" + i, "{\"n\":" + i + "}")));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        }
    }

    private static List<String> consumeFromStart(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
