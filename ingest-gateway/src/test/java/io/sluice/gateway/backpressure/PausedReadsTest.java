package io.sluice.gateway.backpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.gateway.Gateway;
import io.sluice.gateway.RawHttpClient;
import io.sluice.gateway.TopicReader;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.gateway.metrics.GatewayMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Holds the gateway's reads paused with a low broker client quota on the producer and a 128 KiB buffer.memory,
 * fed by one TCP flood. While paused, new HTTP connections must get their 404, 405 and 415 at once, a new valid
 * request must wait without a response, TCP connections must still be accepted and counted, and the connection
 * cap must still respond 503. After the quota is removed the waiting request gets 200, and every event is in the
 * topic exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PausedReadsTest {

    private static final String CLIENT_ID = "gateway-paused-reads-test";
    private static final String TOPIC = "paused";
    private static final double QUOTA_BYTES_PER_SECOND = 10_000.0;
    private static final int TCP_EVENTS = 2_000;
    private static final int HTTP_EVENTS = 50;
    private static final int MAX_CONNECTIONS = 3;
    private static final Duration PROMPT = Duration.ofSeconds(1);
    private static final Duration SILENCE = Duration.ofSeconds(1);
    private static final Duration REJECTION_READ_TIMEOUT = Duration.ofSeconds(5);
    /** Kafka producer metric {@code produce-throttle-time-max} as bound by Micrometer's KafkaClientMetrics. */
    private static final String PRODUCER_THROTTLE_TIME_MAX = "kafka.producer.produce.throttle.time.max";

    private EmbeddedKafka kafka;
    private Gateway gateway;
    private Socket idleTcp;
    private RawHttpClient waitingClient;

    @AfterEach
    void stop() throws IOException {
        if (idleTcp != null) {
            idleTcp.close();
        }
        if (waitingClient != null) {
            waitingClient.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void pausedGatewayAnswersHeadsAndHoldsBodies() throws Exception {
        kafka = EmbeddedKafka.start(null, Map.of());
        setProducerQuota(QUOTA_BYTES_PER_SECOND);
        gateway = Gateway.start(settings());
        CompletableFuture<String> tcpSummary = CompletableFuture.supplyAsync(this::floodTcp);

        double pausesBefore = awaitPauseUnderThrottle();
        long pauseSeenNanos = System.nanoTime();
        startValidRequestAndExpectSilence();
        assertRejectedPromptly("POST", "/topics/unknown", "application/x-ndjson", event("http", -1), 404);
        assertRejectedPromptly("POST", "/topics/" + TOPIC, "text/csv", "a,b\n", 415);
        assertRejectedPromptly("GET", "/topics/" + TOPIC, null, "", 405);
        assertTcpAcceptedAndCounted();
        assertConnectionCapAnswers503();
        assertThat(gateway.isReadPaused()).as("reads still paused after the checks").isTrue();
        assertThat(readPauses()).as("one pause lasted through every check").isEqualTo(pausesBefore);
        System.out.printf("Paused reads test: checks took %d ms of one pause%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pauseSeenNanos));

        setProducerQuota(null);
        assertWaitingRequestWritten();
        assertThat(tcpSummary.get(60, TimeUnit.SECONDS))
                .isEqualTo("{\"acked\":" + TCP_EVENTS + ",\"rejected\":0,\"failed\":0}\n");
        assertExactlyOnce();
    }

    private Settings settings() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("gateway.bind.host", "127.0.0.1");
        overrides.put("gateway.http.port", "0");
        overrides.put("gateway.tcp.port", "0");
        overrides.put("gateway.admin.port", "0");
        overrides.put("gateway.topics", TOPIC);
        overrides.put("gateway.tcp.topic", TOPIC);
        overrides.put("gateway.topics.create", "true");
        overrides.put("gateway.topics.partitions", "3");
        overrides.put("gateway.max.connections", Integer.toString(MAX_CONNECTIONS));
        overrides.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        overrides.put("kafka.producer.client.id", CLIENT_ID);
        overrides.put("kafka.producer.buffer.memory", "131072");
        overrides.put("kafka.producer.batch.size", "16384");
        overrides.put("kafka.producer.compression.type", "none");
        overrides.put("kafka.producer.request.timeout.ms", "20000");
        overrides.put("kafka.producer.delivery.timeout.ms", "60000");
        return Settings.of(GatewayConfig.DEFINITION, overrides);
    }

    private void setProducerQuota(Double bytesPerSecond) throws Exception {
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, CLIENT_ID));
        ClientQuotaAlteration alteration = new ClientQuotaAlteration(entity,
                List.of(new ClientQuotaAlteration.Op("producer_byte_rate", bytesPerSecond)));
        try (Admin admin = kafka.createAdmin()) {
            admin.alterClientQuotas(List.of(alteration)).all().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits for a pause that starts after the broker began to throttle the producer, and returns the pause count.
     * Such a pause lasts until the throttled producer drained half of buffer.memory: from 4.7 to 27 s in runs on
     * a 2-core machine, while the checks took about 1.5 s. Pauses of the first burst, before the broker throttles,
     * may end within milliseconds.
     */
    private double awaitPauseUnderThrottle() {
        await().atMost(Duration.ofSeconds(30)).until(() -> producerThrottleTimeMaxMs() > 0);
        double pausesSoFar = readPauses();
        await().atMost(Duration.ofSeconds(30)).until(() -> readPauses() > pausesSoFar && gateway.isReadPaused());
        return readPauses();
    }

    /**
     * Sends one request on a new connection and checks its status arrives within {@link #PROMPT}, then waits until
     * the gateway saw the connection close, so its slot under gateway.max.connections is free again.
     */
    private void assertRejectedPromptly(String method, String path, String contentType, String body, int status)
            throws IOException {
        assertThat(gateway.isReadPaused()).as("reads paused before %s %s", method, path).isTrue();
        double httpConnectionsBefore = activeConnections("http");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        RawHttpClient.Response response;
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            client.setReadTimeout(REJECTION_READ_TIMEOUT);
            client.sendHead(method, path, contentType, bytes.length);
            client.write(bytes);
            response = client.readResponse();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no response to " + method + " " + path + " within "
                    + REJECTION_READ_TIMEOUT.toSeconds() + " s while reads are paused", e);
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("Paused reads test: %s %s got %d in %d ms%n", method, path, response.status(), elapsedMs);
        assertThat(response.status()).as("status of %s %s", method, path).isEqualTo(status);
        assertThat(elapsedMs).as("time to the %d response", status).isLessThan(PROMPT.toMillis());
        assertThat(gateway.isReadPaused()).as("reads paused after %s %s", method, path).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> activeConnections("http") == httpConnectionsBefore);
    }

    private void assertTcpAcceptedAndCounted() throws IOException {
        idleTcp = new Socket("127.0.0.1", gateway.tcpPort());
        await().atMost(PROMPT).until(() -> activeConnections("tcp") == 2);
    }

    /** Sends a valid request with its body on a new connection; no response may arrive while reads are paused. */
    private void startValidRequestAndExpectSilence() throws IOException {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < HTTP_EVENTS; i++) {
            body.append(event("http", i));
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        waitingClient = new RawHttpClient(gateway.httpPort());
        waitingClient.setReadTimeout(SILENCE);
        waitingClient.sendHead("POST", "/topics/" + TOPIC, "application/x-ndjson", bytes.length);
        waitingClient.write(bytes);

        assertThatThrownBy(waitingClient::readResponse).isInstanceOf(SocketTimeoutException.class);
        assertThat(gateway.isReadPaused()).isTrue();
        assertThat(httpEventsReceived()).as("HTTP lines handed to the producer while paused").isZero();
        assertThat(activeConnections("http")).isEqualTo(1);
        assertThat(activeConnections("tcp")).isEqualTo(1);
    }

    private void assertConnectionCapAnswers503() throws IOException {
        try (Socket extra = new Socket("127.0.0.1", gateway.httpPort())) {
            extra.setSoTimeout((int) PROMPT.toMillis());
            String response = new String(extra.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            assertThat(response).startsWith("HTTP/1.1 503").contains("too many connections");
        }
    }

    private void assertWaitingRequestWritten() throws IOException {
        waitingClient.setReadTimeout(Duration.ofSeconds(60));
        RawHttpClient.Response response = waitingClient.readResponse();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().trim()).isEqualTo("{\"written\":" + HTTP_EVENTS + "}");
    }

    private void assertExactlyOnce() {
        int total = TCP_EVENTS + HTTP_EVENTS;
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(
                kafka.bootstrapServers(), TOPIC, total, Duration.ofSeconds(30));
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            seen.merge(id(new String(record.value(), StandardCharsets.UTF_8)), 1, Integer::sum);
        }
        assertThat(records).hasSize(total);
        assertThat(seen).hasSize(total);
        assertThat(seen.values()).allMatch(count -> count == 1);
        assertThat(seen).doesNotContainKey("http--1");
    }

    private String floodTcp() {
        try (Socket socket = new Socket("127.0.0.1", gateway.tcpPort())) {
            socket.setSoTimeout(90_000);
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < TCP_EVENTS; i++) {
                out.write(event("tcp", i).getBytes(StandardCharsets.UTF_8));
            }
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("TCP flood failed", e);
        }
    }

    private double producerThrottleTimeMaxMs() {
        Gauge throttle = gateway.registry().find(PRODUCER_THROTTLE_TIME_MAX).gauge();
        return throttle == null ? 0 : throttle.value();
    }

    private double readPauses() {
        return gateway.registry().get(GatewayMetrics.READ_PAUSES).functionCounter().count();
    }

    private double activeConnections(String transport) {
        return gateway.registry().get(GatewayMetrics.CONNECTIONS_ACTIVE).tag("transport", transport).gauge().value();
    }

    private double httpEventsReceived() {
        return gateway.registry().get(GatewayMetrics.EVENTS_RECEIVED).tags("transport", "http", "topic", TOPIC)
                .counter().count();
    }

    /** Builds one event of about 200 bytes. */
    private static String event(String source, int seq) {
        return "{\"id\":\"" + source + "-" + seq + "\",\"amount\":" + seq + ",\"currency\":\"EUR\",\"note\":\""
                + "x".repeat(140) + "\"}\n";
    }

    private static String id(String json) {
        String marker = "\"id\":\"";
        int start = json.indexOf(marker) + marker.length();
        return json.substring(start, json.indexOf('"', start));
    }
}
