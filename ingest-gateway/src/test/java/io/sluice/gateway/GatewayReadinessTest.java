package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.gateway.metrics.GatewayMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /readyz} follows whether the Kafka cluster responds, so a load balancer stops sending to a cut-off gateway. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GatewayReadinessTest {

    @Test
    void readyzTurns503WhenKafkaStops() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(null, Map.of());
        Gateway gateway = null;
        try {
            gateway = Gateway.start(settings(kafka));
            int adminPort = gateway.adminPort();
            assertThat(readyzStatus(adminPort)).isEqualTo(200);
            assertThat(reachableGauge(gateway)).isEqualTo(1.0);

            kafka.close();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> readyzStatus(adminPort) == 503);
            assertThat(reachableGauge(gateway)).isEqualTo(0.0);
            assertThat(gateway.isReady()).isFalse();
        } finally {
            if (gateway != null) {
                gateway.close();
            }
            kafka.close();
        }
    }

    private static Settings settings(EmbeddedKafka kafka) {
        return Settings.of(GatewayConfig.DEFINITION, Map.ofEntries(
                Map.entry("gateway.bind.host", "127.0.0.1"),
                Map.entry("gateway.http.port", "0"),
                Map.entry("gateway.tcp.port", "0"),
                Map.entry("gateway.admin.port", "0"),
                Map.entry("gateway.topics.create", "true"),
                Map.entry("gateway.kafka.check.interval", "500ms"),
                Map.entry("gateway.shutdown.timeout", "2s"),
                Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers())));
    }

    private static double reachableGauge(Gateway gateway) {
        return gateway.registry().get(GatewayMetrics.KAFKA_REACHABLE).gauge().value();
    }

    private static int readyzStatus(int adminPort) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz"))
                .timeout(Duration.ofSeconds(5)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
