package io.sluice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.common.config.ConfigException;
import io.sluice.common.config.Settings;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProducerSettingsTest {

    @Test
    void defaultsApplyAndMaxBlockIsZero() {
        Map<String, Object> config = ProducerSettings.from(Settings.of(GatewayConfig.DEFINITION, Map.of()));

        assertThat(config).containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("linger.ms", "5")
                .containsEntry("batch.size", "65536")
                .containsEntry("compression.type", "lz4")
                .containsEntry("buffer.memory", "33554432")
                .containsEntry("delivery.timeout.ms", "120000")
                .containsEntry("max.block.ms", "0")
                .containsEntry("bootstrap.servers", "localhost:9092");
    }

    @Test
    void passThroughOverridesDefaults() {
        Map<String, Object> config = ProducerSettings.from(Settings.of(GatewayConfig.DEFINITION,
                Map.of("kafka.producer.linger.ms", "20", "kafka.bootstrap.servers", "127.0.0.1:1")));

        assertThat(config).containsEntry("linger.ms", "20").containsEntry("bootstrap.servers", "127.0.0.1:1");
    }

    @Test
    void maxBlockOverrideRejected() {
        Settings settings = Settings.of(GatewayConfig.DEFINITION, Map.of("kafka.producer.max.block.ms", "60000"));

        assertThatThrownBy(() -> ProducerSettings.from(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.producer.max.block.ms=60000")
                .hasMessageContaining("remove the setting");
    }

    @Test
    void weakerAcksRejected() {
        Settings settings = Settings.of(GatewayConfig.DEFINITION, Map.of("kafka.producer.acks", "1"));

        assertThatThrownBy(() -> ProducerSettings.from(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.producer.acks=1")
                .hasMessageContaining("acks=all");
    }

    @Test
    void acksMinusOneAccepted() {
        Settings settings = Settings.of(GatewayConfig.DEFINITION, Map.of("kafka.producer.acks", "-1"));

        assertThat(ProducerSettings.from(settings)).containsEntry("acks", "-1");
    }

    @Test
    void idempotenceOffRejected() {
        Settings settings = Settings.of(GatewayConfig.DEFINITION,
                Map.of("kafka.producer.enable.idempotence", "false"));

        assertThatThrownBy(() -> ProducerSettings.from(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.producer.enable.idempotence=false");
    }

    @Test
    void tcpTopicMustBeAllowed() {
        Settings settings = Settings.of(GatewayConfig.DEFINITION,
                Map.of("gateway.topics", "a,b", "gateway.tcp.topic", "c"));

        assertThatThrownBy(() -> IngestOptions.from(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.tcp.topic=c");
    }

    @Test
    void lowWaterMarkValidated() {
        assertThatThrownBy(() -> Settings.of(GatewayConfig.DEFINITION,
                Map.of("gateway.backpressure.low.water.mark", "1.5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.backpressure.low.water.mark");
        assertThat(IngestOptions.from(Settings.of(GatewayConfig.DEFINITION, Map.of())).lowWaterMark())
                .isEqualTo(0.5);
    }

    @Test
    void defaultLineLimitFitsDefaultRequestSize() {
        Settings defaults = Settings.of(GatewayConfig.DEFINITION, Map.of());

        assertThat(IngestOptions.from(defaults).maxLineBytes()).isEqualTo(1_000_000);
        assertThat(ProducerSettings.from(defaults)).doesNotContainKey("max.request.size");
    }

    @Test
    void lineLimitAboveRequestSizeRejected() {
        Settings settings = Settings.of(GatewayConfig.DEFINITION, Map.of("gateway.max.line.bytes", "1MiB"));

        assertThatThrownBy(() -> ProducerSettings.from(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.max.line.bytes=1048576")
                .hasMessageContaining("max.request.size=1048576");
    }

    @Test
    void lineLimitCheckedAgainstOverriddenRequestSize() {
        Settings fits = Settings.of(GatewayConfig.DEFINITION, Map.of("gateway.max.line.bytes", "2000000",
                "kafka.producer.max.request.size", "2100000"));
        Settings tooSmall = Settings.of(GatewayConfig.DEFINITION, Map.of("kafka.producer.max.request.size",
                "500000"));

        assertThat(ProducerSettings.from(fits)).containsEntry("max.request.size", "2100000");
        assertThatThrownBy(() -> ProducerSettings.from(tooSmall))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.max.line.bytes=1000000")
                .hasMessageContaining("kafka.producer.max.request.size=500000");
    }
}
