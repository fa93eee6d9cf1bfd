package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.gateway.metrics.GatewayMetrics;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NDJSON = "application/x-ndjson";
    private static final int MAX_REQUEST_BYTES = 200_000;

    private static EmbeddedKafka kafka;
    private static Gateway gateway;

    @BeforeAll
    static void startGateway() {
        kafka = EmbeddedKafka.start(null, Map.of());
        Settings settings = Settings.of(GatewayConfig.DEFINITION, Map.ofEntries(
                Map.entry("gateway.bind.host", "127.0.0.1"),
                Map.entry("gateway.http.port", "0"),
                Map.entry("gateway.tcp.port", "0"),
                Map.entry("gateway.admin.port", "0"),
                Map.entry("gateway.topics", "limits"),
                Map.entry("gateway.tcp.topic", "limits"),
                Map.entry("gateway.topics.create", "true"),
                Map.entry("gateway.topics.partitions", "1"),
                Map.entry("gateway.max.line.bytes", "4MiB"),
                Map.entry("gateway.max.request.bytes", Integer.toString(MAX_REQUEST_BYTES)),
                Map.entry("gateway.max.connections", "3"),
                Map.entry("gateway.idle.timeout", "1s"),
                Map.entry("gateway.retry.after", "7s"),
                Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers()),
                Map.entry("kafka.producer.client.id", "gateway-limits-test"),
                Map.entry("kafka.producer.max.request.size", "100000")));
        gateway = Gateway.start(settings);
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void bodyOverRequestLimitGets413WithWrittenCount() throws Exception {
        String line = "{\"pad\":\"" + "p".repeat(989) + "\"}\n";
        assertThat(line.length()).isEqualTo(1000);

        RawHttpClient.Response response;
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            response = client.post("/topics/limits", NDJSON, line.repeat(300));
        }

        assertThat(response.status()).isEqualTo(413);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("written").asLong()).isEqualTo(MAX_REQUEST_BYTES / 1000);
        assertThat(json.get("error").asText()).contains("gateway.max.request.bytes=" + MAX_REQUEST_BYTES);
    }

    @Test
    void recordKafkaRejectsGets503WithFailedLine() throws Exception {
        String big = "{\"pad\":\"" + "b".repeat(150_000) + "\"}";

        RawHttpClient.Response response;
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            response = client.post("/topics/limits", NDJSON, "{\"ok\":1}\n" + big + "\n{\"bad\":\n");
        }

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("retry-after")).isEqualTo("7");
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("written").asLong()).isEqualTo(1);
        assertThat(json.get("failedCount").asLong()).isEqualTo(1);
        assertThat(json.get("failed").get(0).get("line").asLong()).isEqualTo(2);
        assertThat(json.get("failed").get(0).get("error").asText()).contains("RecordTooLargeException");
        assertThat(json.get("rejected").get(0).get("line").asLong()).isEqualTo(3);
        assertThat(gateway.registry().get(GatewayMetrics.EVENTS_FAILED).tag("transport", "http").counter().count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void connectionsBeyondMaxAreClosed() throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> openConnections() == 0);
        try (Socket first = new Socket("127.0.0.1", gateway.httpPort());
             Socket second = new Socket("127.0.0.1", gateway.tcpPort());
             Socket third = new Socket("127.0.0.1", gateway.tcpPort())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> openConnections() == 3);

            try (Socket fourth = new Socket("127.0.0.1", gateway.httpPort())) {
                fourth.setSoTimeout(5000);
                String response = new String(fourth.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

                assertThat(response).startsWith("HTTP/1.1 503").contains("too many connections");
            }
        }
        double rejected = gateway.registry().get(GatewayMetrics.EVENTS_REJECTED)
                .tag("reason", GatewayMetrics.REASON_TOO_MANY_CONNECTIONS).counter().count();
        assertThat(rejected).isGreaterThanOrEqualTo(1);
    }

    @Test
    void idleConnectionClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.tcpPort())) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();

            assertThat(in.read()).isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(500L, 5000L);
        }
    }

    private static double openConnections() {
        return gateway.registry().find(GatewayMetrics.CONNECTIONS_ACTIVE).gauges().stream()
                .mapToDouble(g -> g.value()).sum();
    }
}
