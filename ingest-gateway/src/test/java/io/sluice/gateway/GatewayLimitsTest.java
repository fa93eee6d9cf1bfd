package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.gateway.metrics.GatewayMetrics;
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
    private static final int MAX_KAFKA_REQUEST_BYTES = 100_000;
    private static final int MAX_LINE_BYTES = 98_000;

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
                Map.entry("gateway.max.line.bytes", Integer.toString(MAX_LINE_BYTES)),
                Map.entry("gateway.key.field", "id"),
                Map.entry("gateway.max.request.bytes", Integer.toString(MAX_REQUEST_BYTES)),
                Map.entry("gateway.max.connections", "3"),
                Map.entry("gateway.idle.timeout", "1s"),
                Map.entry("gateway.request.header.timeout", "1s"),
                Map.entry("gateway.retry.after", "7s"),
                Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers()),
                Map.entry("kafka.producer.client.id", "gateway-limits-test"),
                Map.entry("kafka.producer.max.request.size", Integer.toString(MAX_KAFKA_REQUEST_BYTES))));
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
    void oversizedRecordRejectedAsTooLong() throws Exception {
        // The line fits gateway.max.line.bytes, but its key doubles the record past max.request.size.
        String big = "{\"id\":\"" + "k".repeat(50_000) + "\",\"pad\":\"" + "b".repeat(40_000) + "\"}";
        assertThat(big.length()).isLessThan(MAX_LINE_BYTES);

        RawHttpClient.Response response;
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            response = client.post("/topics/limits", NDJSON, "{\"ok\":1}\n" + big + "\n{\"bad\":\n");
        }

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("retry-after")).isNull();
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("written").asLong()).isEqualTo(1);
        assertThat(json.has("failed")).isFalse();
        assertThat(json.get("rejectedCount").asLong()).isEqualTo(2);
        JsonNode tooLarge = json.get("rejected").get(0);
        assertThat(tooLarge.get("line").asLong()).isEqualTo(2);
        assertThat(tooLarge.get("reason").asText()).isEqualTo("too_long");
        assertThat(tooLarge.get("detail").asText()).contains("max.request.size").doesNotContain("Exception");
        assertThat(json.get("rejected").get(1).get("line").asLong()).isEqualTo(3);
        assertThat(gateway.registry().get(GatewayMetrics.EVENTS_REJECTED).tag("transport", "http")
                .tag("reason", "too_long").counter().count()).isGreaterThanOrEqualTo(1);
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
                assertThat(response).contains("\r\nRetry-After: 7\r\n");
            }
        }
        double rejected = gateway.registry().get(GatewayMetrics.EVENTS_REJECTED)
                .tag("reason", GatewayMetrics.REASON_TOO_MANY_CONNECTIONS).counter().count();
        assertThat(rejected).isGreaterThanOrEqualTo(1);
    }

    @Test
    void idleTcpConnectionGetsSummaryThenCloses() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.tcpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("{\"n\":1}\nnot json\n".getBytes(StandardCharsets.UTF_8));
            long start = System.nanoTime();

            String summary = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(summary).isEqualTo("{\"acked\":1,\"rejected\":1,\"failed\":0}\n");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(500L, 5000L);
        }
    }

    @Test
    void slowRequestHeadGets408() throws Exception {
        byte[] head = ("POST /topics/limits HTTP/1.1\r\nHost: x\r\nContent-Type: " + NDJSON
                + "\r\nContent-Length: 8\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", gateway.httpPort())) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            // One byte every 200 ms keeps the 1 s idle timeout from firing.
            for (int i = 0; i < head.length && !socket.isInputShutdown(); i++) {
                if (socket.getInputStream().available() > 0) {
                    break;
                }
                socket.getOutputStream().write(head[i]);
                Thread.sleep(200);
            }

            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            assertThat(response).startsWith("HTTP/1.1 408");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(900L, 5000L);
        }
        assertThat(gateway.registry().get(GatewayMetrics.EVENTS_REJECTED).tag("reason", "header_timeout")
                .counter().count()).isGreaterThanOrEqualTo(1);
    }

    private static double openConnections() {
        return gateway.registry().find(GatewayMetrics.CONNECTIONS_ACTIVE).gauges().stream()
                .mapToDouble(g -> g.value()).sum();
    }
}
