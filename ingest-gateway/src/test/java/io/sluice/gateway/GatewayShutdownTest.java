package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.gateway.config.GatewayConfig;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayShutdownTest {

    private EmbeddedKafka kafka;
    private Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void closeAnswersRequestInProgress() throws Exception {
        kafka = EmbeddedKafka.start(null, Map.of());
        gateway = Gateway.start(Settings.of(GatewayConfig.DEFINITION, Map.of(
                "gateway.bind.host", "127.0.0.1",
                "gateway.http.port", "0",
                "gateway.tcp.port", "0",
                "gateway.admin.port", "0",
                "gateway.topics.create", "true",
                "gateway.shutdown.timeout", "20s",
                "kafka.bootstrap.servers", kafka.bootstrapServers())));
        int httpPort = gateway.httpPort();
        String firstHalf = "{\"n\":1}\n{\"n\":2}\n";
        String secondHalf = "{\"n\":3}\n";

        try (RawHttpClient http = new RawHttpClient(httpPort);
             Socket tcp = new Socket("127.0.0.1", gateway.tcpPort())) {
            tcp.setSoTimeout(20_000);
            tcp.getOutputStream().write("{\"t\":1}\n{\"t\":2}\n".getBytes(StandardCharsets.UTF_8));
            http.sendHead("POST", "/topics/events", "application/x-ndjson", firstHalf.length() + secondHalf.length());
            http.write(firstHalf.getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> ackedEvents() >= 4);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
            await().atMost(Duration.ofSeconds(5)).until(() -> !gateway.isReady());
            http.write(secondHalf.getBytes(StandardCharsets.UTF_8));
            RawHttpClient.Response response = http.readResponse();
            String summary = new String(tcp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            closing.get(30, TimeUnit.SECONDS);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body().trim()).isEqualTo("{\"written\":3}");
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(summary).isEqualTo("{\"acked\":2,\"rejected\":0,\"failed\":0}\n");
        }
        assertThat(connectFails(httpPort)).isTrue();
    }

    private double ackedEvents() {
        return gateway.registry().find(io.sluice.gateway.metrics.GatewayMetrics.EVENTS_ACKED).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static boolean connectFails(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
