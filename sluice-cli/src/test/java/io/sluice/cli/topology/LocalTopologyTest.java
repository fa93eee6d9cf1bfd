package io.sluice.cli.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.embedded.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code sluice local --writers 2} for real: the runnable jars of the gateway and the writer as child JVMs,
 * the embedded broker and PostgreSQL in this JVM, and Debian's Prometheus when it is installed.
 */
class LocalTopologyTest {

    private static final String TOPIC = "events";
    private static final int EVENTS = 5000;
    private static final int LINES_PER_REQUEST = 500;
    private static final Duration WAIT = Duration.ofSeconds(45);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void trapBrokerExits() {
        EmbeddedKafka.trapExitsForTests();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void twoWritersShareTheTopic(@TempDir Path runDir) throws Exception {
        Optional<Path> prometheus = PrometheusSetup.findBinary(System.getenv());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TopologyPlan plan = new TopologyPlan(ProjectLayout.ofRunningCode(), runDir, null, TOPIC, 6, 2, 0, 0, 0, 0,
                prometheus.orElse(null), 0, List.of("-Xmx256m"), Duration.ofSeconds(60), Duration.ofSeconds(30));

        try (LocalTopology topology = LocalTopology.start(plan, new PrintStream(console, true,
                StandardCharsets.UTF_8))) {
            sendOverHttp(topology.httpPort());

            assertThat(awaitRows(topology)).isEqualTo(EVENTS);
            for (int port : topology.writerAdminPorts()) {
                assertThat(awaitAssignedPartitions(port)).as("partitions of the writer on admin port %d", port)
                        .isPositive();
            }
            if (prometheus.isPresent()) {
                assertThat(awaitUpWriters(topology.prometheusUrl().orElseThrow())).isEqualTo(2);
                assertThat(Files.readString(runDir.resolve("prometheus.yml"))).contains("job_name: db-writer",
                        "job_name: ingest-gateway", "alerts.yml");
            }
        }
        assertThat(runDir.resolve("ingest-gateway.log")).exists();
        assertThat(Files.readString(runDir.resolve("db-writer-2.log"))).contains("Shutdown signal received");
        assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain("Stopped unexpectedly");
    }

    private void sendOverHttp(int httpPort) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + httpPort + "/topics/" + TOPIC);
        for (int start = 0; start < EVENTS; start += LINES_PER_REQUEST) {
            StringBuilder body = new StringBuilder();
            for (int id = start; id < start + LINES_PER_REQUEST; id++) {
                body.append("{\"id\":\"e-").append(id).append("\",\"amount\":").append(id % 100).append("}\n");
            }
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/x-ndjson")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("status of request starting at event %d: %s", start,
                    response.body()).isEqualTo(200);
            assertThat(json.readTree(response.body()).path("written").asInt()).isEqualTo(LINES_PER_REQUEST);
        }
    }

    private static long awaitRows(LocalTopology topology) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long rows = 0;
        while (System.nanoTime() - deadline < 0) {
            rows = countRows(topology);
            if (rows >= EVENTS) {
                return rows;
            }
            Thread.sleep(250);
        }
        return rows;
    }

    private static long countRows(LocalTopology topology) throws Exception {
        try (Connection connection = topology.postgres().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT to_regclass('sluice_events') IS NOT NULL")) {
            result.next();
            if (!result.getBoolean(1)) {
                return 0;
            }
        }
        try (Connection connection = topology.postgres().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM sluice_events")) {
            result.next();
            return result.getLong(1);
        }
    }

    private double awaitAssignedPartitions(int adminPort) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        double assigned = 0;
        while (System.nanoTime() - deadline < 0) {
            assigned = metricValue(get(URI.create("http://127.0.0.1:" + adminPort + "/metrics")),
                    "sluice_writer_partitions_assigned");
            if (assigned > 0) {
                return assigned;
            }
            Thread.sleep(250);
        }
        return assigned;
    }

    /** Returns the sum of every sample of {@code name} in a Prometheus text exposition. */
    static double metricValue(String exposition, String name) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private int awaitUpWriters(URI prometheus) throws Exception {
        String query = URLEncoder.encode("count(up{job=\"db-writer\"} == 1)", StandardCharsets.UTF_8);
        URI uri = prometheus.resolve("/api/v1/query?query=" + query);
        long deadline = System.nanoTime() + WAIT.toNanos();
        int up = 0;
        while (System.nanoTime() - deadline < 0) {
            JsonNode result = json.readTree(get(uri)).path("data").path("result");
            up = result.isEmpty() ? 0 : Integer.parseInt(result.get(0).path("value").get(1).asText());
            if (up == 2) {
                return up;
            }
            Thread.sleep(500);
        }
        return up;
    }

    private String get(URI uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    @Timeout(10)
    void metricValueSumsLabelledSamples() {
        String exposition = "# HELP sluice_writer_partitions_assigned x\n"
                + "sluice_writer_partitions_assigned{application=\"db-writer\"} 3.0\n"
                + "sluice_writer_partitions_assigned_other 9.0\n";

        assertThat(metricValue(exposition, "sluice_writer_partitions_assigned")).isEqualTo(3.0);
    }

    @Test
    @Timeout(10)
    void writerEnvironmentMatchesCompose() {
        Map<String, String> env = ServiceEnvironment.forChild(Map.of("PATH", "/usr/bin", "SLUICE_WRITER_THREADS", "9"),
                Map.of("SLUICE_WRITER_ADMIN_PORT", "8083"));

        assertThat(env).containsEntry("PATH", "/usr/bin");
        assertThat(env).containsEntry("SLUICE_WRITER_ADMIN_PORT", "8083");
        assertThat(env).doesNotContainKey("SLUICE_WRITER_THREADS");
    }
}
