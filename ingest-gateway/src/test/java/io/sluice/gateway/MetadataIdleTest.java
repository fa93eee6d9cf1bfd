package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.gateway.config.GatewayConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The producer drops a topic from its metadata after {@code metadata.max.idle.ms} without sends. With
 * {@code max.block.ms=0} the next send then fails at once with "not present in metadata"; the gateway must wait for
 * the metadata instead of responding with 503.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetadataIdleTest {

    @Test
    void idleTopicStillAccepted() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, Map.of());
             Gateway gateway = Gateway.start(settings(kafka))) {
            assertThat(post(gateway, "{\"n\":1}\n").statusCode()).isEqualTo(200);

            Thread.sleep(8_000);
            HttpResponse<String> afterIdle = post(gateway, "{\"n\":2}\n");

            assertThat(afterIdle.statusCode()).as(afterIdle.body()).isEqualTo(200);
            assertThat(afterIdle.body()).contains("\"written\":1");
        }
    }

    private static Settings settings(EmbeddedKafka kafka) {
        return Settings.of(GatewayConfig.DEFINITION, Map.ofEntries(
                Map.entry("gateway.bind.host", "127.0.0.1"),
                Map.entry("gateway.http.port", "0"),
                Map.entry("gateway.tcp.port", "0"),
                Map.entry("gateway.admin.port", "0"),
                Map.entry("gateway.topics.create", "true"),
                Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers()),
                Map.entry("kafka.producer.metadata.max.idle.ms", "5000"),
                Map.entry("kafka.producer.metadata.max.age.ms", "1000")));
    }

    private static HttpResponse<String> post(Gateway gateway, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort()
                        + "/topics/events"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
