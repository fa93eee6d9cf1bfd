package io.sluice.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class SettingsTest {

    static final ConfigKey<Integer> HTTP_PORT =
            ConfigKey.integer("gateway.http.port", 8080, "HTTP ingest port").range(0, 65535);
    static final ConfigKey<Duration> IDLE_TIMEOUT =
            ConfigKey.duration("gateway.idle.timeout", Duration.ofSeconds(30), "Idle connection timeout");
    static final ConfigKey<Long> MAX_BODY_BYTES =
            ConfigKey.bytes("gateway.http.max.body.bytes", 1024L * 1024, "Largest HTTP body");
    static final ConfigKey<List<String>> TOPICS =
            ConfigKey.list("gateway.topics", List.of("events"), "Allowed topics");
    static final ConfigKey<String> JDBC_PASSWORD =
            ConfigKey.string("writer.jdbc.password", null, "JDBC password").secret().optional();
    static final ConfigKey<String> JDBC_URL = ConfigKey.string("writer.jdbc.url", null, "JDBC URL");

    static final ConfigDef DEF = ConfigDef.of(HTTP_PORT, IDLE_TIMEOUT, MAX_BODY_BYTES, TOPICS, JDBC_PASSWORD);

    @TempDir
    Path tempDir;

    @Test
    void defaultsApplyWhenNothingSet() {
        Settings settings = Settings.of(DEF, Map.of());
        assertThat(settings.get(HTTP_PORT)).isEqualTo(8080);
        assertThat(settings.get(IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.get(TOPICS)).containsExactly("events");
        assertThat(settings.get(JDBC_PASSWORD)).isNull();
        assertThat(settings.find(JDBC_PASSWORD)).isEmpty();
        assertThat(settings.source("gateway.http.port")).isEqualTo("default");
    }

    @Test
    void precedenceDefaultsFileEnvOverrides() throws IOException {
        Path file = write("gateway.http.port=9001\ngateway.idle.timeout=5m\ngateway.topics=a,b\n");
        Map<String, String> env = Map.of("SLUICE_GATEWAY_IDLE_TIMEOUT", "10s", "SLUICE_GATEWAY_TOPICS", "c",
                "PATH", "/usr/bin");
        Settings settings = Settings.load(DEF, file, env, Map.of("gateway.topics", "d,e"));

        assertThat(settings.get(HTTP_PORT)).isEqualTo(9001);
        assertThat(settings.source("gateway.http.port")).isEqualTo(file.toString());
        assertThat(settings.get(IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.source("gateway.idle.timeout")).isEqualTo("SLUICE_GATEWAY_IDLE_TIMEOUT");
        assertThat(settings.get(TOPICS)).containsExactly("d", "e");
        assertThat(settings.source("gateway.topics")).isEqualTo("override");
        assertThat(settings.get(MAX_BODY_BYTES)).isEqualTo(1024L * 1024);
    }

    @Test
    void invalidValueNamesKeyValueSourceAndRule() {
        Map<String, String> env = Map.of("SLUICE_GATEWAY_HTTP_PORT", "70000");
        assertThatThrownBy(() -> Settings.load(DEF, null, env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("gateway.http.port=70000 from SLUICE_GATEWAY_HTTP_PORT: must be between 0 and 65535");
    }

    @Test
    void producerKeyInConsumerServiceSaysRemove() {
        ConfigDef consumerOnly = ConfigDef.of(HTTP_PORT).withPassThroughPrefixes(ConfigDef.KAFKA_CONSUMER_PREFIX);
        Map<String, String> env = Map.of("SLUICE_KAFKA_PRODUCER_LINGER_MS", "5");

        assertThatThrownBy(() -> Settings.load(consumerOnly, null, env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLUICE_KAFKA_PRODUCER_LINGER_MS")
                .hasMessageContaining("passes no settings under kafka.producer.*")
                .hasMessageNotContaining("KAFKA_CONSUMER_LINGER_MS");
    }

    @Test
    void unparsableValueNamesRule() throws IOException {
        Path file = write("gateway.idle.timeout=soon\n");
        assertThatThrownBy(() -> Settings.load(DEF, file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("gateway.idle.timeout=soon from " + file
                        + ": must be a duration such as 500ms, 30s, 5m, 1h or PT30S");
    }

    @Test
    void everyProblemIsReported() {
        Map<String, String> overrides = Map.of("gateway.http.port", "-1", "gateway.http.max.body.bytes", "big");
        assertThatThrownBy(() -> Settings.of(DEF, overrides))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.http.port=-1 from override")
                .hasMessageContaining("gateway.http.max.body.bytes=big from override");
    }

    @Test
    void unknownFileKeySuggestsClosest() throws IOException {
        Path file = write("gateway.htp.port=9000\n");
        assertThatThrownBy(() -> Settings.load(DEF, file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown config key gateway.htp.port from " + file + ": did you mean gateway.http.port?");
    }

    @Test
    void unknownEnvVarSuggestsClosest() {
        Map<String, String> env = Map.of("SLUICE_GATEWAY_IDLE_TIMEOUTS", "5s");
        assertThatThrownBy(() -> Settings.load(DEF, null, env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLUICE_GATEWAY_IDLE_TIMEOUTS")
                .hasMessageContaining("did you mean SLUICE_GATEWAY_IDLE_TIMEOUT?");
    }

    @Test
    void misspeltPrefixSuggestsPassThrough() {
        assertThatThrownBy(() -> Settings.of(DEF, Map.of("kafka.producr.linger.ms", "5")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown config key kafka.producr.linger.ms from override: "
                        + "did you mean kafka.producer.linger.ms?");
        Map<String, String> env = Map.of("SLUICE_KAFKA_CONSUMR_MAX_POLL_RECORDS", "5");
        assertThatThrownBy(() -> Settings.load(DEF, null, env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("did you mean SLUICE_KAFKA_CONSUMER_MAX_POLL_RECORDS?");
    }

    @Test
    void otherServiceNamespaceIgnored() throws IOException {
        Path file = write("writer.threads=4\ngateway.http.port=9001\n");
        Map<String, String> env = Map.of("SLUICE_WRITER_BATCH_MAX_ROWS", "500", "SLUICE_GATEWAY_IDLE_TIMEOUT", "1m");
        ConfigDef gatewayOnly = ConfigDef.of(HTTP_PORT, IDLE_TIMEOUT);
        Settings settings = Settings.load(gatewayOnly, file, env, Map.of());

        assertThat(settings.get(HTTP_PORT)).isEqualTo(9001);
        assertThat(settings.get(IDLE_TIMEOUT)).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.describe()).doesNotContain("writer.threads").doesNotContain("batch");
    }

    @Test
    void unknownKeyInOwnNamespaceFails() throws IOException {
        Path file = write("gateway.flavour.of.the.day=x\n");
        assertThatThrownBy(() -> Settings.load(DEF, file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown config key gateway.flavour.of.the.day from " + file);
        Map<String, String> env = Map.of("SLUICE_GATEWAY_FLAVOUR", "x");
        assertThatThrownBy(() -> Settings.load(DEF, null, env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown environment variable SLUICE_GATEWAY_FLAVOUR");
    }

    @Test
    void misspeltNamespaceStillFails() {
        Map<String, String> env = Map.of("SLUICE_GATEWY_HTTP_PORT", "9000");
        assertThatThrownBy(() -> Settings.load(DEF, null, env, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("did you mean SLUICE_GATEWAY_HTTP_PORT?");
    }

    @Test
    void unknownKeyWithoutCloseMatch() {
        assertThatThrownBy(() -> Settings.of(DEF, Map.of("metrics.flavour.of.the.day", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown config key metrics.flavour.of.the.day from override: it matches no declared key "
                        + "and no pass-through prefix");
    }

    @Test
    void missingRequiredKeyNamesEnvVar() {
        ConfigDef def = DEF.with(JDBC_URL);
        assertThatThrownBy(() -> Settings.of(def, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing required config key writer.jdbc.url")
                .hasMessageContaining("SLUICE_WRITER_JDBC_URL");
    }

    @Test
    void passThroughStripsPrefixAndAddsCommon() throws IOException {
        Path file = write("kafka.producer.linger.ms=5\nkafka.common.client.id=file-id\n"
                + "kafka.consumer.max.poll.records=10\nkafka.bootstrap.servers=127.0.0.1:9092\n");
        Map<String, String> env = Map.of("SLUICE_KAFKA_PRODUCER_LINGER_MS", "20",
                "SLUICE_KAFKA_PRODUCER_CLIENT_ID", "producer-id");
        Settings settings = Settings.load(DEF, file, env, Map.of());

        Map<String, Object> producer = settings.passThrough("kafka.producer.");
        assertThat(producer).containsEntry("linger.ms", "20")
                .containsEntry("client.id", "producer-id")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .doesNotContainKey("max.poll.records");
        assertThat(settings.source("kafka.producer.linger.ms")).isEqualTo("SLUICE_KAFKA_PRODUCER_LINGER_MS");

        Map<String, Object> consumer = settings.passThrough("kafka.consumer.");
        assertThat(consumer).containsEntry("max.poll.records", "10")
                .containsEntry("client.id", "file-id")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092");
    }

    @Test
    void declaredBootstrapKeyFeedsPassThrough() {
        ConfigKey<String> bootstrap = ConfigKey.string("kafka.bootstrap.servers", "127.0.0.1:9092", "Brokers");
        ConfigDef def = DEF.with(bootstrap);
        Settings settings = Settings.load(def, null, Map.of("SLUICE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"),
                Map.of());
        assertThat(settings.get(bootstrap)).isEqualTo("127.0.0.1:19092");
        assertThat(settings.passThrough("kafka.admin.")).containsEntry("bootstrap.servers", "127.0.0.1:19092");
    }

    @Test
    void describeMasksSecrets() {
        Map<String, String> overrides = Map.of("writer.jdbc.password", "hunter2",
                "kafka.common.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "kafka.producer.ssl.truststore.password", "changeit", "kafka.producer.acks", "all");
        String description = Settings.of(DEF, overrides).describe();

        assertThat(description).contains("writer.jdbc.password=****** (override)");
        assertThat(description).contains("kafka.common.sasl.jaas.config=****** (override)");
        assertThat(description).contains("kafka.producer.ssl.truststore.password=****** (override)");
        assertThat(description).contains("kafka.producer.acks=all (override)");
        assertThat(description).contains("gateway.http.port=8080 (default)");
        assertThat(description).contains("gateway.idle.timeout=30s (default)");
        assertThat(description).doesNotContain("hunter2").doesNotContain("changeit").doesNotContain("PlainLogin");
    }

    @Test
    void invalidSecretValueIsMasked() {
        ConfigKey<Integer> pin = ConfigKey.integer("writer.pin", 0, "PIN").secret();
        assertThatThrownBy(() -> Settings.of(ConfigDef.of(pin), Map.of("writer.pin", "12ab")))
                .hasMessageStartingWith("writer.pin=****** from override: must be an integer")
                .hasMessageNotContaining("12ab");
    }

    @Test
    void missingFileNamesPath() {
        Path missing = tempDir.resolve("absent.properties");
        assertThatThrownBy(() -> Settings.load(DEF, missing, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("not found");
    }

    @Test
    void undeclaredKeyLookupFails() {
        Settings settings = Settings.of(DEF, Map.of());
        assertThatThrownBy(() -> settings.get(JDBC_URL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("writer.jdbc.url is not declared");
    }

    @Test
    void markdownTableListsKeysAndPrefixes() {
        String table = DEF.toMarkdownTable();
        assertThat(table).startsWith("| key | default | environment variable | description |\n|---|---|---|---|\n");
        assertThat(table).contains("| `gateway.http.port` | `8080` | `SLUICE_GATEWAY_HTTP_PORT` | HTTP ingest port |");
        assertThat(table).contains("| `gateway.http.max.body.bytes` | `1MiB` |");
        assertThat(table).contains("| `writer.jdbc.password` | (not set) |");
        assertThat(table).contains("| `kafka.producer.*` |  | `SLUICE_KAFKA_PRODUCER_*` |");
        assertThat(table).contains("`kafka.bootstrap.servers`");
    }

    @Test
    void duplicateKeyRejected() {
        ConfigKey<Integer> other = ConfigKey.integer("gateway.http.port", 1, "again");
        assertThatThrownBy(() -> DEF.with(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.http.port is declared twice");
    }

    private Path write(String content) throws IOException {
        Path file = tempDir.resolve("sluice.properties");
        Files.writeString(file, content);
        return file;
    }
}
