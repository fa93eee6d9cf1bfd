package io.sluice.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class KafkaPassThroughTest {

    static final ConfigKey<Integer> HTTP_PORT =
            ConfigKey.integer("gateway.http.port", 8080, "HTTP ingest port").range(0, 65535);
    static final ConfigKey<List<String>> BOOTSTRAP = ConfigKey.list("kafka.bootstrap.servers",
            List.of("127.0.0.1:9092"), "Kafka bootstrap servers");

    static final ConfigDef DEF = ConfigDef.of(HTTP_PORT, BOOTSTRAP);

    static final Map<String, Object> PRODUCER_DEFAULTS = Map.of("acks", "all", "enable.idempotence", "true",
            "linger.ms", "5", "buffer.memory", "33554432");
    static final Map<String, Object> PRODUCER_FORCED = Map.of("max.block.ms", "0");

    @TempDir
    Path tempDir;

    @Test
    void misspeltProducerEnvVarSuggestsName() {
        Map<String, String> env = Map.of("SLUICE_KAFKA_PRODUCER_LINGERMS", "10");
        assertThatThrownBy(() -> Settings.load(DEF, null, env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown config key kafka.producer.lingerms from SLUICE_KAFKA_PRODUCER_LINGERMS: "
                        + "lingerms is not a Kafka producer setting; "
                        + "did you mean kafka.producer.linger.ms (SLUICE_KAFKA_PRODUCER_LINGER_MS)?");
    }

    @Test
    void misspeltConsumerFileKeySuggestsName() throws IOException {
        Path file = write("kafka.consumer.max.pol.records=100\n");
        assertThatThrownBy(() -> Settings.load(DEF, file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown config key kafka.consumer.max.pol.records from " + file
                        + ": max.pol.records is not a Kafka consumer setting; "
                        + "did you mean kafka.consumer.max.poll.records?");
    }

    @Test
    void otherClientSettingNamesPrefix() {
        assertThatThrownBy(() -> Settings.of(DEF, Map.of("kafka.producer.max.poll.records", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown config key kafka.producer.max.poll.records from override: max.poll.records is "
                        + "not a Kafka producer setting; it is a Kafka consumer setting, so set "
                        + "kafka.consumer.max.poll.records");
        assertThatThrownBy(() -> Settings.of(DEF, Map.of("kafka.admin.acks", "all")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("it is a Kafka producer setting, so set kafka.producer.acks");
    }

    @Test
    void otherClientHintNeedsItsPrefix() {
        ConfigDef producerOnly = DEF.withPassThroughPrefixes(ConfigDef.KAFKA_PRODUCER_PREFIX);
        assertThatThrownBy(() -> Settings.of(producerOnly, Map.of("kafka.producer.group.id", "g")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("group.id is not a Kafka producer setting; it is a Kafka consumer setting, "
                        + "and this service passes no settings to a Kafka consumer");
    }

    @Test
    void commonKeyNeedsOneClientDeclaringIt() {
        Settings settings = Settings.of(DEF, Map.of("kafka.common.linger.ms", "7",
                "kafka.common.request.timeout.ms", "20000"));
        assertThat(settings.passThrough(ConfigDef.KAFKA_PRODUCER_PREFIX)).containsEntry("linger.ms", "7");
        assertThat(settings.passThrough(ConfigDef.KAFKA_ADMIN_PREFIX)).containsEntry("request.timeout.ms", "20000");

        Map<String, String> env = Map.of("SLUICE_KAFKA_COMMON_CLIENTID", "x");
        assertThatThrownBy(() -> Settings.load(DEF, null, env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown config key kafka.common.clientid from SLUICE_KAFKA_COMMON_CLIENTID: clientid is "
                        + "not a setting of any Kafka client; "
                        + "did you mean kafka.common.client.id (SLUICE_KAFKA_COMMON_CLIENT_ID)?");
    }

    @Test
    void unrelatedNameGetsNoSuggestion() {
        assertThatThrownBy(() -> Settings.of(DEF, Map.of("kafka.producer.flavour.of.the.day", "mint")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown config key kafka.producer.flavour.of.the.day from override: flavour.of.the.day "
                        + "is not a Kafka producer setting; check the name against the client configs in the Kafka "
                        + "documentation");
    }

    @Test
    void undeclaredSecurityFamiliesAccepted() {
        Map<String, String> overrides = Map.of("kafka.producer.sasl.login.module.option", "x",
                "kafka.common.ssl.engine.factory.option", "y",
                "kafka.consumer.config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider");
        Settings settings = Settings.of(DEF, overrides);

        assertThat(settings.passThrough(ConfigDef.KAFKA_PRODUCER_PREFIX))
                .containsEntry("sasl.login.module.option", "x")
                .containsEntry("ssl.engine.factory.option", "y");
        assertThat(settings.passThrough(ConfigDef.KAFKA_CONSUMER_PREFIX))
                .containsKey("config.providers.file.class");
    }

    @Test
    void invalidValueQuotesKafkaMessage() {
        Map<String, String> env = Map.of("SLUICE_KAFKA_PRODUCER_BUFFER_MEMORY", "abc");
        assertThatThrownBy(() -> Settings.load(DEF, null, env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("kafka.producer.buffer.memory=abc from SLUICE_KAFKA_PRODUCER_BUFFER_MEMORY: the Kafka "
                        + "producer rejects it: Invalid value abc for configuration buffer.memory: "
                        + "Not a number of type LONG");
    }

    @Test
    void valueBreakingKafkaValidatorFails() throws IOException {
        Path file = write("kafka.producer.compression.type=zip\nkafka.consumer.max.poll.records=0\n");
        assertThatThrownBy(() -> Settings.load(DEF, file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.producer.compression.type=zip from " + file + ": the Kafka producer "
                        + "rejects it: Invalid value zip for configuration compression.type: String must be one of")
                .hasMessageContaining("kafka.consumer.max.poll.records=0 from " + file + ": the Kafka consumer "
                        + "rejects it: Invalid value 0 for configuration max.poll.records: Value must be at least 1");
    }

    @Test
    void commonValueCheckedByEveryClient() {
        assertThatThrownBy(() -> Settings.of(DEF, Map.of("kafka.common.request.timeout.ms", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.common.request.timeout.ms=soon from override: the Kafka producer "
                        + "rejects it: Invalid value soon for configuration request.timeout.ms");
    }

    @Test
    void configVariableLeftToClient() {
        Settings settings = Settings.of(DEF, Map.of("kafka.producer.buffer.memory", "${file:/etc/sluice:memory}"));
        assertThat(settings.passThrough(ConfigDef.KAFKA_PRODUCER_PREFIX))
                .containsEntry("buffer.memory", "${file:/etc/sluice:memory}");
    }

    @Test
    void everyKafkaProblemReportedWithOthers() {
        Map<String, String> env = Map.of("SLUICE_KAFKA_PRODUCER_LINGERMS", "10",
                "SLUICE_KAFKA_PRODUCER_BUFFER_MEMORY", "abc", "SLUICE_GATEWAY_HTTP_PORT", "http");
        assertThatThrownBy(() -> Settings.load(DEF, null, env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.http.port=http from SLUICE_GATEWAY_HTTP_PORT: must be an integer "
                        + "between 0 and 65535")
                .hasMessageContaining("unknown config key kafka.producer.lingerms")
                .hasMessageContaining("kafka.producer.buffer.memory=abc");
    }

    @Test
    void clientConfigLayersDefaultsSettingsForced() {
        Map<String, String> env = Map.of("SLUICE_KAFKA_PRODUCER_LINGER_MS", "20",
                "SLUICE_KAFKA_PRODUCER_MAX_BLOCK_MS", "60000", "SLUICE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092");
        Settings settings = Settings.load(DEF, null, env, Map.of());

        Map<String, Object> config = settings.kafkaClientConfig(ConfigDef.KAFKA_PRODUCER_PREFIX, PRODUCER_DEFAULTS,
                PRODUCER_FORCED);

        assertThat(config).containsEntry("linger.ms", "20");
        assertThat(config).containsEntry("max.block.ms", "0");
        assertThat(config).containsEntry("acks", "all");
        assertThat(config).containsEntry("bootstrap.servers", "127.0.0.1:19092");
        assertThat(config).doesNotContainKey("key.serializer");
    }

    @Test
    void acksOneWithIdempotenceRejected() {
        Settings settings = Settings.load(DEF, null, Map.of("SLUICE_KAFKA_PRODUCER_ACKS", "1"), Map.of());
        assertThatThrownBy(() -> settings.kafkaClientConfig(ConfigDef.KAFKA_PRODUCER_PREFIX, PRODUCER_DEFAULTS,
                PRODUCER_FORCED))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("the Kafka producer rejects its config: Must set acks to all")
                .hasMessageEndingWith("; settings involved: kafka.producer.acks=1 from SLUICE_KAFKA_PRODUCER_ACKS");
    }

    @Test
    void shortDeliveryTimeoutRejected() {
        Map<String, String> env = Map.of("SLUICE_KAFKA_PRODUCER_REQUEST_TIMEOUT_MS", "200000");
        Settings settings = Settings.load(DEF, null, env, Map.of());
        Map<String, Object> defaults = Map.of("delivery.timeout.ms", "120000", "linger.ms", "5");

        assertThatThrownBy(() -> settings.kafkaClientConfig(ConfigDef.KAFKA_PRODUCER_PREFIX, defaults, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("the Kafka producer rejects its config: delivery.timeout.ms is 120000 but must be at "
                        + "least linger.ms + request.timeout.ms, which is 200005: raise delivery.timeout.ms or lower "
                        + "the other two; settings involved: "
                        + "delivery.timeout.ms=120000 (set by the service, not by a config key), "
                        + "linger.ms=5 (set by the service, not by a config key), "
                        + "kafka.producer.request.timeout.ms=200000 from SLUICE_KAFKA_PRODUCER_REQUEST_TIMEOUT_MS");
    }

    @Test
    void unsetDeliveryTimeoutLeftToProducer() {
        Settings settings = Settings.of(DEF, Map.of("kafka.producer.request.timeout.ms", "200000"));
        Map<String, Object> config = settings.kafkaClientConfig(ConfigDef.KAFKA_PRODUCER_PREFIX, Map.of(), Map.of());
        assertThat(config).containsEntry("request.timeout.ms", "200000");
    }

    @Test
    void serviceValueReportedAsServiceValue() {
        Settings settings = Settings.of(DEF, Map.of("kafka.producer.linger.ms", "3"));
        Map<String, Object> config = Map.of("bootstrap.servers", "127.0.0.1:9092", "linger.ms", "-5");
        assertThatThrownBy(() -> settings.validateKafkaClientConfig(ConfigDef.KAFKA_PRODUCER_PREFIX, config))
                .isInstanceOf(ConfigException.class)
                .hasMessage("linger.ms=-5 (set by the service, not by a config key): the Kafka producer rejects it: "
                        + "Invalid value -5 for configuration linger.ms: Value must be at least 0");
    }

    @Test
    void declaredBootstrapKeyNamedInClientError() {
        Settings settings = Settings.of(DEF, Map.of("kafka.bootstrap.servers", "127.0.0.1:1,127.0.0.1:1"));
        assertThatThrownBy(() -> settings.kafkaClientConfig(ConfigDef.KAFKA_ADMIN_PREFIX, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("kafka.bootstrap.servers=127.0.0.1:1,127.0.0.1:1 from override: the Kafka admin client "
                        + "rejects it: Configuration 'bootstrap.servers' values must not be duplicated.");
    }

    @Test
    void consumerConfigWithForcedValuesPasses() {
        Map<String, String> env = Map.of("SLUICE_KAFKA_CONSUMER_MAX_POLL_RECORDS", "200",
                "SLUICE_KAFKA_COMMON_CLIENT_ID", "writer-1");
        Settings settings = Settings.load(DEF, null, env, Map.of());
        Map<String, Object> forced = Map.of("group.id", "sluice-db-writer", "enable.auto.commit", false,
                "isolation.level", "read_committed",
                "partition.assignment.strategy", CooperativeStickyAssignor.class.getName());

        Map<String, Object> config = settings.kafkaClientConfig(ConfigDef.KAFKA_CONSUMER_PREFIX,
                Map.of("max.poll.records", 500, "auto.offset.reset", "earliest"), forced);

        assertThat(config).containsEntry("max.poll.records", "200");
        assertThat(config).containsEntry("client.id", "writer-1");
        assertThat(config).containsEntry("enable.auto.commit", false);
    }

    @Test
    void prefixWithoutClientRejected() {
        Settings settings = Settings.of(DEF, Map.of());
        assertThatThrownBy(() -> settings.validateKafkaClientConfig(ConfigDef.KAFKA_COMMON_PREFIX, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix 'kafka.common.' configures no Kafka client");
    }

    @Test
    void customPrefixNotChecked() {
        ConfigDef def = DEF.withPassThroughPrefixes("kafka.streams.");
        Settings settings = Settings.of(def, Map.of("kafka.streams.anything.goes", "x"));
        assertThat(settings.passThrough("kafka.streams.")).containsEntry("anything.goes", "x");
    }

    private Path write(String content) throws IOException {
        Path file = tempDir.resolve("sluice.properties");
        Files.writeString(file, content);
        return file;
    }
}
