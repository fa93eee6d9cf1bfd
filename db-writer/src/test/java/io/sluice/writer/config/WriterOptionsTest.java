package io.sluice.writer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.common.config.ConfigException;
import io.sluice.common.config.Settings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class WriterOptionsTest {
    private static final String URL_WITH_PASSWORDS =
            "jdbc:postgresql://db.example:5432/sluice?user=w&password=secretpw&sslpassword=keypw&ssl=true";

    private static Settings settings(Map<String, String> values) {
        return Settings.of(WriterConfig.DEFINITION, values);
    }

    @ParameterizedTest
    @CsvSource({
        "kafka.consumer.enable.auto.commit, true",
        "kafka.consumer.isolation.level, read_uncommitted",
        "kafka.consumer.group.id, other-group",
        "kafka.consumer.partition.assignment.strategy, org.apache.kafka.clients.consumer.RangeAssignor",
        "kafka.common.enable.auto.commit, true"})
    void conflictingConsumerSettingIsRejected(String key, String value) {
        Settings conflicting = settings(Map.of(key, value));

        assertThatThrownBy(() -> WriterOptions.from(conflicting))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key + "=" + value)
                .hasMessageContaining("exactly-once protocol")
                .hasMessageContaining("Remove it");
    }

    @Test
    void conflictingGroupIdPointsToWriterGroupId() {
        Settings conflicting = settings(Map.of("kafka.consumer.group.id", "other-group"));

        assertThatThrownBy(() -> WriterOptions.from(conflicting))
                .hasMessageContaining("set writer.group.id=other-group");
    }

    @Test
    void forcedValuesAreAccepted() {
        Map<String, String> values = new HashMap<>();
        values.put("writer.group.id", "writers");
        values.put("kafka.consumer.group.id", "writers");
        values.put("kafka.consumer.enable.auto.commit", "FALSE");
        values.put("kafka.consumer.isolation.level", "read_committed");
        values.put("kafka.consumer.partition.assignment.strategy",
                " org.apache.kafka.clients.consumer.CooperativeStickyAssignor ");
        values.put("kafka.consumer.max.poll.records", "200");

        assertThatCode(() -> WriterOptions.from(settings(values))).doesNotThrowAnyException();
    }

    @Test
    void toStringMasksUrlPasswords() {
        WriterOptions options = WriterOptions.from(settings(Map.of("writer.jdbc.url", URL_WITH_PASSWORDS)));

        assertThat(options.toString()).doesNotContain("secretpw");
        assertThat(options.toString()).doesNotContain("keypw");
        assertThat(options.toString()).contains("password=******&sslpassword=******&ssl=true");
        assertThat(options.jdbcUrl()).isEqualTo(URL_WITH_PASSWORDS);
    }

    @Test
    void describeMasksUrlPasswords() {
        Settings settings = settings(Map.of("writer.jdbc.url", URL_WITH_PASSWORDS, "writer.jdbc.password", "pw2"));

        String description = WriterConfig.describe(settings);

        assertThat(description).doesNotContain("secretpw");
        assertThat(description).doesNotContain("keypw");
        assertThat(description).doesNotContain("pw2");
        assertThat(description).contains("writer.jdbc.url=jdbc:postgresql://db.example:5432/sluice?user=w&"
                + "password=******&sslpassword=******&ssl=true (override)");
        assertThat(description.lines().count()).isEqualTo(settings.describe().lines().count());
    }

    @Test
    void byteCapacitySetsByteWaterMarks() {
        WriterOptions options = WriterOptions.from(settings(Map.of("writer.queue.capacity.bytes", "4MiB")));

        assertThat(options.waterMarks().capacityBytes()).isEqualTo(4L << 20);
        assertThat(options.waterMarks().highBytes()).isEqualTo((long) Math.floor((4L << 20) * 0.8));
        assertThat(options.waterMarks().lowBytes()).isEqualTo(2L << 20);
    }

    @Test
    void byteCapacityDefaultsTo64MiB() {
        WriterOptions options = WriterOptions.from(settings(Map.of()));

        assertThat(options.waterMarks().capacityBytes()).isEqualTo(64L << 20);
    }
}
