package io.sluice.common.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.common.metrics.MetricsRegistries;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AdminServerTest {

    private final AtomicBoolean ready = new AtomicBoolean();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private PrometheusMeterRegistry registry;
    private AdminServer server;

    @BeforeEach
    void startServer() {
        registry = MetricsRegistries.create("admin-test");
        Counter.builder("sluice_test_events").description("events in the test").register(registry).increment(3);
        server = AdminServer.start("127.0.0.1", 0, registry, ready::get);
    }

    @AfterEach
    void stopServer() {
        server.close();
        registry.close();
    }

    @Test
    void metricsServesPrometheusText() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("sluice_test_events_total{application=\"admin-test\"} 3.0");
        assertThat(response.body()).contains("# HELP sluice_test_events_total events in the test");
        assertThat(response.body()).contains("jvm_memory_used_bytes{");
        assertThat(response.body()).contains("jvm_threads_live_threads{");
        assertThat(response.body()).contains("process_uptime_seconds{");
        assertThat(response.body()).contains("system_cpu_count{");
    }

    @Test
    void metricsIgnoresQueryString() throws Exception {
        assertThat(get("/metrics?x=1").statusCode()).isEqualTo(200);
    }

    @Test
    void healthzAlwaysOk() throws Exception {
        HttpResponse<String> response = get("/healthz");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void readyzFollowsReadinessCheck() throws Exception {
        HttpResponse<String> notReady = get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).isEqualTo("not ready\n");

        ready.set(true);
        HttpResponse<String> isReady = get("/readyz");
        assertThat(isReady.statusCode()).isEqualTo(200);
        assertThat(isReady.body()).isEqualTo("ready\n");
    }

    @Test
    void readyzFailingCheckIs503() throws Exception {
        try (AdminServer throwing = AdminServer.start("127.0.0.1", 0, registry, () -> {
            throw new IllegalStateException("check broken");
        })) {
            HttpResponse<String> response = send(throwing, HttpRequest.newBuilder(uri(throwing, "/readyz")).build());
            assertThat(response.statusCode()).isEqualTo(503);
        }
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void postIs405WithAllow() throws Exception {
        HttpRequest post = HttpRequest.newBuilder(uri(server, "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build();
        HttpResponse<String> response = send(server, post);
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void keepAliveServesSeveralRequests() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(get("/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void ephemeralPortIsReported() {
        assertThat(server.port()).isPositive();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void closeReleasesPort() {
        int port = server.port();
        server.close();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
        server = AdminServer.start("127.0.0.1", port, registry, ready::get);
        assertThat(server.port()).isEqualTo(port);
    }

    @Test
    void portInUseFailsWithPort() {
        int port = server.port();
        assertThatThrownBy(() -> AdminServer.start("127.0.0.1", port, registry, ready::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(server, HttpRequest.newBuilder(uri(server, path)).timeout(Duration.ofSeconds(5)).build());
    }

    private HttpResponse<String> send(AdminServer target, HttpRequest request)
            throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(AdminServer target, String path) {
        return URI.create("http://127.0.0.1:" + target.port() + path);
    }
}
