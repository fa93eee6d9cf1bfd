package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Brings up docker-compose.yml with two writer replicas, sends events to the gateway, and checks the rows in
 * PostgreSQL and the writers' series in Prometheus. Runs only where a Docker engine is available; elsewhere it is
 * skipped, and the same behaviour is covered by the embedded-stack tests of this module.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ComposeStackTest {

    private static final int EVENTS = 2_000;

    @Container
    private static final ComposeContainer COMPOSE = new ComposeContainer(new File("../docker-compose.yml"))
            .withBuild(true)
            .withScaledService("db-writer", 2)
            .withExposedService("ingest-gateway", 8080)
            .withExposedService("ingest-gateway", 8081, Wait.forHttp("/readyz").forStatusCode(200))
            .withExposedService("postgres", 5432)
            .withExposedService("prometheus", 9090)
            .withStartupTimeout(Duration.ofMinutes(10));

    @Test
    void eventsReachPostgresAndWritersAreScraped() throws Exception {
        List<String> ids = EventSenders.ids("compose", EVENTS);
        HttpResponse<String> response = post(url("ingest-gateway", 8080, "/topics/events"),
                EventSenders.ndjson(ids, 0, EVENTS));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        String jdbcUrl = "jdbc:postgresql://" + COMPOSE.getServiceHost("postgres", 5432) + ":"
                + COMPOSE.getServicePort("postgres", 5432) + "/sluice";
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions()
                .until(() -> countRows(jdbcUrl) >= EVENTS);
        assertThat(countRows(jdbcUrl)).isEqualTo(EVENTS);

        String query = URLEncoder.encode("count(up{job=\"db-writer\"} == 1)", StandardCharsets.UTF_8);
        URI prometheus = url("prometheus", 9090, "/api/v1/query?query=" + query);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                .until(() -> get(prometheus).body().contains("\"value\":[") && get(prometheus).body().contains("\"2\""));
    }

    private static long countRows(String jdbcUrl) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "sluice", "sluice");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM sluice_events")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static URI url(String service, int port, String path) {
        return URI.create("http://" + COMPOSE.getServiceHost(service, port) + ":"
                + COMPOSE.getServicePort(service, port) + path);
    }

    private static HttpResponse<String> post(URI uri, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
