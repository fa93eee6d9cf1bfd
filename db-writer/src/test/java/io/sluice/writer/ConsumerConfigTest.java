package io.sluice.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.config.Settings;
import io.sluice.writer.config.WriterConfig;
import io.sluice.writer.config.WriterOptions;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConsumerConfigTest {

    private static Map<String, Object> consumerConfig(Map<String, String> values) {
        return DbWriter.consumerConfig(WriterOptions.from(Settings.of(WriterConfig.DEFINITION, values)));
    }

    @Test
    void fetchBoundFollowsByteCapacity() {
        Map<String, Object> config = consumerConfig(Map.of("writer.queue.capacity.bytes", "4MiB"));

        assertThat(config.get(ConsumerConfig.FETCH_MAX_BYTES_CONFIG)).isEqualTo(512 * 1024);
        assertThat(config.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)).isEqualTo(512 * 1024);
    }

    @Test
    void defaultCapacityKeepsPartitionFetchDefault() {
        Map<String, Object> config = consumerConfig(Map.of());

        assertThat(config.get(ConsumerConfig.FETCH_MAX_BYTES_CONFIG)).isEqualTo(8 << 20);
        assertThat(config.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)).isEqualTo(1 << 20);
    }

    @Test
    void fetchBoundStaysAtKafkaDefaultForHugeQueues() {
        assertThat(DbWriter.fetchMaxBytes(1L << 40)).isEqualTo(ConsumerConfig.DEFAULT_FETCH_MAX_BYTES);
    }

    @Test
    void fetchSettingsCanBeOverridden() {
        Map<String, Object> config = consumerConfig(Map.of("kafka.consumer.fetch.max.bytes", "1048576",
                "kafka.consumer.max.partition.fetch.bytes", "65536"));

        assertThat(config.get(ConsumerConfig.FETCH_MAX_BYTES_CONFIG)).isEqualTo("1048576");
        assertThat(config.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)).isEqualTo("65536");
    }

    @Test
    void exactlyOnceSettingsAreForced() {
        Map<String, Object> config = consumerConfig(Map.of("writer.group.id", "writers"));

        assertThat(config.get(ConsumerConfig.GROUP_ID_CONFIG)).isEqualTo("writers");
        assertThat(config.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)).isEqualTo(false);
        assertThat(config.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG)).isEqualTo("read_committed");
        assertThat(config.get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG))
                .isEqualTo(CooperativeStickyAssignor.class.getName());
    }
}
