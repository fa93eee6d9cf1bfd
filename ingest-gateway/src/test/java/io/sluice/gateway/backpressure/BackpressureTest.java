package io.sluice.gateway.backpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionCounter;
import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.gateway.Gateway;
import io.sluice.gateway.RawHttpClient;
import io.sluice.gateway.TopicReader;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.gateway.metrics.GatewayMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Throttles the producer with a broker client quota and a 256 KiB buffer.memory, then floods the gateway over TCP
 * and HTTP. Reads must pause while the admin port and new connections stay responsive. After the quota is
 * removed, every event must be in the topic exactly once.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BackpressureTest {

    private static final String CLIENT_ID = "gateway-backpressure-test";
    private static final String TOPIC = "flood";
    private static final int TCP_EVENTS = 15_000;
    private static final int HTTP_REQUESTS = 5;
    private static final int HTTP_EVENTS_PER_REQUEST = 1_000;
    private static final int KEYS = 50;

    private EmbeddedKafka kafka;
    private Gateway gateway;
    private final AtomicLong maxHeapUsedBytes = new AtomicLong();
    private final AtomicBoolean sampling = new AtomicBoolean(true);

    @AfterEach
    void stop() {
        sampling.set(false);
        if (gateway != null) {
            gateway.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void throttledBrokerPausesReadsWithoutLoss() throws Exception {
        kafka = EmbeddedKafka.start(null, Map.of());
        setProducerQuota(200_000.0);
        gateway = Gateway.start(settings());
        startHeapSampler();

        CompletableFuture<String> tcpSummary = CompletableFuture.supplyAsync(() -> sendTcp(0, TCP_EVENTS));
        CompletableFuture<Long> httpWritten = CompletableFuture.supplyAsync(this::sendHttp);

        await().atMost(Duration.ofSeconds(30)).until(gateway::isReadPaused);
        assertResponsiveWhilePaused();
        assertThrottleHoldsEventsBack();
        setProducerQuota(null);

        assertThat(tcpSummary.get(90, TimeUnit.SECONDS))
                .isEqualTo("{\"acked\":" + TCP_EVENTS + ",\"rejected\":0,\"failed\":0}\n");
        assertThat(httpWritten.get(90, TimeUnit.SECONDS)).isEqualTo((long) HTTP_REQUESTS * HTTP_EVENTS_PER_REQUEST);
        assertPauseMetrics();
        assertExactlyOnceInOrder();
        System.out.printf("Backpressure test: max heap used %.1f MiB (broker and gateway in one JVM)%n",
                maxHeapUsedBytes.get() / 1048576.0);
        assertThat(maxHeapUsedBytes.get()).isLessThan(512L * 1024 * 1024);
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
        overrides.put("gateway.key.field", "key");
        overrides.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        overrides.put("kafka.producer.client.id", CLIENT_ID);
        overrides.put("kafka.producer.buffer.memory", "262144");
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

    /** Checks that /healthz responds and a new TCP connection is accepted quickly while reads are paused. */
    private void assertResponsiveWhilePaused() throws Exception {
        long start = System.nanoTime();
        RawHttpClient.Response health;
        try (RawHttpClient admin = new RawHttpClient(gateway.adminPort())) {
            admin.sendHead("GET", "/healthz", null, 0);
            health = admin.readResponse();
        }
        long healthMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("Backpressure test: /healthz took %d ms while paused%n", healthMs);
        assertThat(health.status()).isEqualTo(200);
        assertThat(healthMs).isLessThan(1000);

        start = System.nanoTime();
        try (Socket second = new Socket("127.0.0.1", gateway.tcpPort())) {
            long connectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(second.isConnected()).isTrue();
            assertThat(connectMs).isLessThan(1000);
        }
        assertThat(gateway.isReadPaused()).isTrue();
    }

    /** While the quota holds, far fewer events are acknowledged than sent, and reads stay paused most of the time. */
    private void assertThrottleHoldsEventsBack() throws InterruptedException {
        int pausedSamples = 0;
        for (int i = 0; i < 40; i++) {
            Thread.sleep(50);
            pausedSamples += gateway.isReadPaused() ? 1 : 0;
        }
        double acked = gateway.registry().find(GatewayMetrics.EVENTS_ACKED).counters().stream()
                .mapToDouble(c -> c.count()).sum();
        System.out.printf("Backpressure test: %.0f events acked and %d of 40 samples paused under the quota%n",
                acked, pausedSamples);
        assertThat(acked).isLessThan((TCP_EVENTS + HTTP_REQUESTS * HTTP_EVENTS_PER_REQUEST) / 2.0);
        assertThat(pausedSamples).isGreaterThan(20);
    }

    private void assertPauseMetrics() {
        double pauses = gateway.registry().get(GatewayMetrics.READ_PAUSES).functionCounter().count();
        FunctionCounter pausedSeconds = gateway.registry().get(GatewayMetrics.READ_PAUSED_SECONDS).functionCounter();
        double retries = gateway.registry().get(GatewayMetrics.SEND_RETRIES).counter().count();
        System.out.printf("Backpressure test: %.0f pauses, %.2f s paused, %.0f send retries%n", pauses,
                pausedSeconds.count(), retries);
        assertThat(pauses).isGreaterThan(0);
        assertThat(pausedSeconds.count()).isGreaterThan(0);
        assertThat(retries).isGreaterThan(0);
    }

    /** Checks that every event is in the topic once and that events of one key keep their send order. */
    private void assertExactlyOnceInOrder() {
        int total = TCP_EVENTS + HTTP_REQUESTS * HTTP_EVENTS_PER_REQUEST;
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(
                kafka.bootstrapServers(), TOPIC, total, Duration.ofSeconds(60));
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> lastSeqPerSourceAndKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            String id = field(value, "id");
            seen.merge(id, 1, Integer::sum);
            String sourceAndKey = id.substring(0, id.indexOf('-')) + "/" + new String(record.key(),
                    StandardCharsets.UTF_8);
            int seq = Integer.parseInt(id.substring(id.indexOf('-') + 1));
            Integer previous = lastSeqPerSourceAndKey.put(sourceAndKey, seq);
            assertThat(previous == null || previous < seq).as("order of %s after %s", id, previous).isTrue();
        }
        assertThat(records).hasSize(total);
        assertThat(seen).hasSize(total);
        assertThat(seen.values()).allMatch(count -> count == 1);
    }

    private String sendTcp(int first, int count) {
        try (Socket socket = new Socket("127.0.0.1", gateway.tcpPort())) {
            socket.setSoTimeout(90_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder batch = new StringBuilder();
            for (int i = first; i < first + count; i++) {
                batch.append(event("tcp", i));
                if (batch.length() > 32_000) {
                    out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                    batch.setLength(0);
                }
            }
            out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("TCP flood failed", e);
        }
    }

    private long sendHttp() {
        long written = 0;
        try (RawHttpClient client = new RawHttpClient(gateway.httpPort())) {
            for (int r = 0; r < HTTP_REQUESTS; r++) {
                StringBuilder body = new StringBuilder();
                for (int i = 0; i < HTTP_EVENTS_PER_REQUEST; i++) {
                    body.append(event("http", r * HTTP_EVENTS_PER_REQUEST + i));
                }
                RawHttpClient.Response response = client.post("/topics/" + TOPIC, "application/x-ndjson",
                        body.toString());
                if (response.status() != 200) {
                    throw new IllegalStateException("HTTP flood got " + response.status() + ": " + response.body());
                }
                written += HTTP_EVENTS_PER_REQUEST;
            }
        } catch (IOException e) {
            throw new IllegalStateException("HTTP flood failed", e);
        }
        return written;
    }

    /** Builds one event of about 200 bytes. */
    private static String event(String source, int seq) {
        return "{\"id\":\"" + source + "-" + seq + "\",\"key\":\"k" + (seq % KEYS) + "\",\"amount\":" + seq
                + ",\"currency\":\"EUR\",\"merchant\":\"merchant-" + (seq % 997) + "\",\"note\":\""
                + "x".repeat(90) + "\"}\n";
    }

    private static String field(String json, String name) {
        String marker = "\"" + name + "\":\"";
        int start = json.indexOf(marker) + marker.length();
        return json.substring(start, json.indexOf('"', start));
    }

    private void startHeapSampler() {
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                maxHeapUsedBytes.accumulateAndGet(used, Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }
}
