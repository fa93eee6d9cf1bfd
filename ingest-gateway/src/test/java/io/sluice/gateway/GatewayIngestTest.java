package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.gateway.config.GatewayConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayIngestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NDJSON = "application/x-ndjson";

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
                Map.entry("gateway.topics", "mixed,valid,keepalive,tcp,bom"),
                Map.entry("gateway.tcp.topic", "tcp"),
                Map.entry("gateway.topics.create", "true"),
                Map.entry("gateway.topics.partitions", "3"),
                Map.entry("gateway.key.field", "id"),
                Map.entry("gateway.max.line.bytes", "1KiB"),
                Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers()),
                Map.entry("kafka.producer.client.id", "gateway-ingest-test")));
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
    void mixedLinesReportRejectedLineNumbers() throws Exception {
        String tooLong = "{\"pad\":\"" + "x".repeat(2000) + "\"}";
        String valid1 = "{\"id\":\"a\",\"n\":1}";
        String valid2 = "{\"n\":2}";
        String valid8 = "{\"id\":8,\"n\":8}";
        byte[] invalidUtf8 = {'{', '"', 'n', '"', ':', '"', (byte) 0xFF, '"', '}'};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes((valid1 + "\n" + valid2 + "\r\n[1,2]\n\n{\"n\": bad}\n" + tooLong + "\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(invalidUtf8);
        body.writeBytes(("\n" + valid8).getBytes(StandardCharsets.UTF_8));
        long before = System.currentTimeMillis();

        RawHttpClient.Response response;
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            client.sendHead("POST", "/topics/mixed", NDJSON, body.size());
            client.write(body.toByteArray());
            response = client.readResponse();
        }

        assertThat(response.status()).isEqualTo(400);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("written").asLong()).isEqualTo(3);
        assertThat(json.get("rejectedCount").asLong()).isEqualTo(4);
        assertThat(json.has("truncated")).isFalse();
        assertThat(rejection(json, 0)).isEqualTo("3:not_object");
        assertThat(rejection(json, 1)).isEqualTo("5:malformed_json");
        assertThat(rejection(json, 2)).isEqualTo("6:too_long");
        assertThat(rejection(json, 3)).isEqualTo("7:invalid_utf8");

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(kafka.bootstrapServers(), "mixed", 3,
                Duration.ofSeconds(15));
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(valid1, valid2, valid8);
        assertThat(records).extracting(r -> r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("a", null, "8");
        assertThat(records).allSatisfy(r -> assertThat(r.timestamp()).isBetween(before, System.currentTimeMillis()));
    }

    @Test
    void validChunkedBodyAnswers200() throws Exception {
        RawHttpClient.Response response;
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            response = client.postChunked("/topics/valid", "{\"id\":\"k1\",\"v\":", "1}\n{\"v\":2}\n{\"v\"", ":3}");
        }

        assertThat(response.status()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("written").asLong()).isEqualTo(3);
        assertThat(response.body().trim()).isEqualTo("{\"written\":3}");
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(kafka.bootstrapServers(), "valid", 3,
                Duration.ofSeconds(15));
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("{\"id\":\"k1\",\"v\":1}", "{\"v\":2}", "{\"v\":3}");
    }

    @Test
    void unknownTopicAnsweredBeforeBody() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            client.sendHead("POST", "/topics/not-allowed", NDJSON, 10_000_000);

            RawHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.body()).contains("not-allowed").contains("gateway.topics");
        }
        assertThat(scrapeMetrics()).contains("reason=\"unknown_topic\"");
    }

    @Test
    void otherContentTypeGets415() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            RawHttpClient.Response response = client.post("/topics/valid", "text/plain", "{}\n");

            assertThat(response.status()).isEqualTo(415);
            assertThat(response.body()).contains("application/x-ndjson");
        }
    }

    @Test
    void wrongMethodAndPathRejected() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            client.sendHead("GET", "/topics/valid", null, 0);
            RawHttpClient.Response wrongMethod = client.readResponse();
            RawHttpClient.Response wrongPath = client.post("/other", NDJSON, "{}\n");

            assertThat(wrongMethod.status()).isEqualTo(405);
            assertThat(wrongMethod.header("allow")).isEqualTo("POST");
            assertThat(wrongPath.status()).isEqualTo(404);
        }
    }

    @Test
    void keepAliveServesSequentialAndPipelinedRequests() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            for (int i = 0; i < 3; i++) {
                RawHttpClient.Response response = client.post("/topics/keepalive", NDJSON + "; charset=utf-8",
                        "{\"r\":" + i + ",\"n\":1}\n{\"r\":" + i + ",\"n\":2}\n");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body().trim()).isEqualTo("{\"written\":2}");
            }
            String firstRequest = "POST /topics/keepalive HTTP/1.1\r\nHost: x\r\nContent-Type: " + NDJSON
                    + "\r\nContent-Length: 8\r\n\r\n{\"p\":1}\n";
            String secondRequest = "POST /topics/keepalive HTTP/1.1\r\nHost: x\r\nContent-Type: " + NDJSON
                    + "\r\nContent-Length: 16\r\n\r\n{\"p\":2}\n{\"p\":3}\n";
            client.write((firstRequest + secondRequest).getBytes(StandardCharsets.US_ASCII));

            assertThat(client.readResponse().body().trim()).isEqualTo("{\"written\":1}");
            assertThat(client.readResponse().body().trim()).isEqualTo("{\"written\":2}");
        }
        assertThat(TopicReader.readAll(kafka.bootstrapServers(), "keepalive", 9, Duration.ofSeconds(15)))
                .hasSize(9);
    }

    @Test
    void tcpHalfCloseWritesSummary() throws Exception {
        String lines = "{\"id\":\"t1\"}\nnot json\n{\"id\":\"t2\"}\r\n[]\n\n" + "y".repeat(3000) + "\n";
        String summary;
        try (Socket socket = new Socket("127.0.0.1", gateway.tcpPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(lines.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            Thread.sleep(200);
            socket.getOutputStream().write("{\"id\":\"t3\"}\n{\"id\":\"t4\"}".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();

            summary = readUntilClosed(socket.getInputStream());
        }

        assertThat(summary).isEqualTo("{\"acked\":4,\"rejected\":3,\"failed\":0}\n");
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(kafka.bootstrapServers(), "tcp", 4,
                Duration.ofSeconds(15));
        assertThat(records).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("t1", "t2", "t3", "t4");
    }

    @Test
    void expectContinueToUnknownTopicGetsFinalStatus() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            client.write(("POST /topics/not-allowed HTTP/1.1\r\nHost: x\r\nContent-Type: " + NDJSON
                    + "\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));

            RawHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void expectContinueToValidTopicGets100ThenResult() throws Exception {
        String body = "{\"id\":\"e1\"}\n";
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            client.write(("POST /topics/valid HTTP/1.1\r\nHost: x\r\nContent-Type: " + NDJSON
                    + "\r\nContent-Length: " + body.length() + "\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));

            assertThat(client.readResponse().status()).isEqualTo(100);
            client.write(body.getBytes(StandardCharsets.US_ASCII));
            RawHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body().trim()).isEqualTo("{\"written\":1}");
        }
    }

    @Test
    void pathErrorsNameTheProblem() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("/topics/", "400 missing topic name in /topics/");
        expected.put("/topics/valid/", "400 invalid path /topics/valid/");
        expected.put("/topics//valid", "400 invalid path /topics//valid");
        expected.put("/topics/../x", "400 invalid path /topics/../x");
        expected.put("/topics/..", "400 invalid topic name '..'");
        expected.put("/topics/ev%2Fents", "400 invalid topic name 'ev/ents'");
        expected.put("/topics/ev%zz", "400 invalid path /topics/ev%zz");
        expected.put("/topics/unknown-one", "404 topic 'unknown-one' is not in gateway.topics");
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            RawHttpClient.Response response;
            try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
                response = client.post(entry.getKey(), NDJSON, "{}\n");
            }
            String error = JSON.readTree(response.body()).get("error").asText();

            assertThat(response.status() + " " + error).as("response to %s", entry.getKey())
                    .startsWith(entry.getValue());
            assertThat(error).as("error for %s", entry.getKey()).doesNotContain("null");
        }
    }

    @Test
    void http2PriorKnowledgeGets505() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            client.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            RawHttpClient.Response response = client.readResponse();

            assertThat(response.version()).isEqualTo("HTTP/1.1");
            assertThat(response.status()).isEqualTo(505);
            assertThat(JSON.readTree(response.body()).get("error").asText()).contains("HTTP/2 is not supported");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void decodeFailureMessagesArePlain() throws Exception {
        RawHttpClient.Response response;
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            client.write(("POST /topics/valid HTTP/1.1\r\nHost: x\r\nContent-Type: " + NDJSON
                    + "\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            response = client.readResponse();
        }

        assertThat(response.status()).isEqualTo(400);
        String error = JSON.readTree(response.body()).get("error").asText();
        assertThat(error).contains("invalid Content-Length header");
        assertThat(error).doesNotContain("io.netty").doesNotContain("Exception");
    }

    @Test
    void nanLineDetailIsPlain() throws Exception {
        RawHttpClient.Response response;
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            response = client.post("/topics/valid", NDJSON, "{\"v\":1}\n{\"v\":NaN}\n");
        }

        assertThat(response.status()).isEqualTo(400);
        JsonNode rejected = JSON.readTree(response.body()).get("rejected").get(0);
        assertThat(rejected.get("line").asLong()).isEqualTo(2);
        assertThat(rejected.get("detail").asText()).startsWith("NaN and Infinity are not valid JSON numbers")
                .doesNotContain("JsonReadFeature");
    }

    @Test
    void byteOrderMarkStrippedAndLoneSurrogateRejected() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        body.writeBytes("{\"id\":\"bom-1\"}\n{\"id\":\"bad\",\"s\":\"\\ud800\"}\n{\"id\":\"nul\",\"s\":\"a\\u0000b\"}\n"
                .getBytes(StandardCharsets.UTF_8));

        RawHttpClient.Response response;
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            client.sendHead("POST", "/topics/bom", NDJSON, body.size());
            client.write(body.toByteArray());
            response = client.readResponse();
        }

        assertThat(response.status()).isEqualTo(400);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("written").asLong()).isEqualTo(2);
        assertThat(rejection(json, 0)).isEqualTo("2:invalid_utf8");
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(kafka.bootstrapServers(), "bom", 2,
                Duration.ofSeconds(15));
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("{\"id\":\"bom-1\"}", "{\"id\":\"nul\",\"s\":\"a\\u0000b\"}");
    }

    @Test
    void adminPortReportsReadyAndMetrics() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.adminPort() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(ready.statusCode()).isEqualTo(200);
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            assertThat(client.post("/topics/valid", "text/csv", "a,b\n").status()).isEqualTo(415);
        }
        String metrics = scrapeMetrics();
        for (String name : List.of("sluice_gateway_events_received_total", "sluice_gateway_events_acked_total",
                "sluice_gateway_events_failed_total", "sluice_gateway_events_rejected_total",
                "sluice_gateway_received_bytes_total", "sluice_gateway_connections_active",
                "sluice_gateway_read_pauses_total", "sluice_gateway_read_paused_seconds_total",
                "sluice_gateway_read_paused", "sluice_gateway_send_retries_total",
                "sluice_gateway_producer_buffer_used_bytes", "sluice_gateway_producer_buffer_total_bytes",
                "sluice_gateway_http_requests_seconds_count", "kafka_producer_")) {
            assertThat(metrics).as("metric %s", name).contains(name);
        }
        assertThat(metrics).contains("reason=\"unsupported_media_type\"").contains("status=\"415\"");
    }

    private static String rejection(JsonNode json, int index) {
        JsonNode entry = json.get("rejected").get(index);
        return entry.get("line").asLong() + ":" + entry.get("reason").asText();
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String scrapeMetrics() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.adminPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
