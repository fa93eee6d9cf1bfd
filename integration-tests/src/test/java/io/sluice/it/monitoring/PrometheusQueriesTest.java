package io.sluice.it.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.search.Search;
import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.gateway.Gateway;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.writer.DbWriter;
import io.sluice.writer.config.WriterConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every query of grafana/dashboards/sluice.json and every alert condition of prometheus/alerts.yml on a real
 * Prometheus that scrapes a real gateway and writer, and checks that each returns data. This catches metric and
 * label names that drift from what the services export.
 *
 * <p>Needs Debian's {@code prometheus} package ({@code /usr/bin/prometheus}, or {@code -Dsluice.prometheus.binary}).
 * {@code -Dsluice.skipPrometheus=true} skips the test where it is not installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusQueriesTest {

    private static final Path PROMETHEUS_BINARY =
            Path.of(System.getProperty("sluice.prometheus.binary", "/usr/bin/prometheus"));
    private static final String TOPIC = "events";
    private static final Duration QUERY_DEADLINE = Duration.ofSeconds(40);
    private static final Pattern ALERT_RULE = Pattern.compile("(?m)^\\s*-\\s*alert:");
    private static final String FAILING_TRIGGER = "sluice_monitoring_test_fail_offsets";

    @Test
    void dashboardAndAlertQueriesReturnData(@TempDir Path workDir) throws Exception {
        requirePrometheus();
        Path repositoryRoot = repositoryRoot();
        Path alertsFile = repositoryRoot.resolve("prometheus/alerts.yml");

        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, Map.of());
             EmbeddedPostgres postgres = EmbeddedPostgres.start(null, false);
             Gateway gateway = Gateway.start(gatewaySettings(kafka));
             DbWriter writer = DbWriter.start(writerSettings(kafka, postgres));
             EventTraffic traffic = EventTraffic.start(gateway.httpPort(), 50, Duration.ofMillis(100));
             PrometheusServer prometheus = PrometheusServer.start(PROMETHEUS_BINARY,
                     writeConfig(workDir, alertsFile, gateway.adminPort(), writer.adminPort()), workDir,
                     Duration.ofSeconds(20))) {
            sendRejectedInput(traffic);
            forceDatabaseRetries(postgres, writer);

            Map<String, String> alertQueries = prometheus.alertQueries();
            assertThat(alertQueries).as("alert rules Prometheus loaded from %s", alertsFile)
                    .hasSize(countAlertRules(alertsFile));
            Map<String, String> queries = new LinkedHashMap<>(
                    DashboardQueries.read(repositoryRoot.resolve("grafana/dashboards/sluice.json")));
            queries.putAll(alertOperands(alertQueries));

            Map<String, String> outcomes = awaitData(prometheus, queries);
            assertThat(traffic.acceptedRequests()).as("requests the gateway accepted").isPositive();
            assertEveryQueryReturnedData(queries, outcomes, prometheus);
        }
    }

    private static void requirePrometheus() {
        if (Files.isExecutable(PROMETHEUS_BINARY)) {
            return;
        }
        assumeThat(Boolean.getBoolean("sluice.skipPrometheus"))
                .as("-Dsluice.skipPrometheus=true skips this test where Prometheus is missing").isFalse();
        fail(PROMETHEUS_BINARY + " not found: install Debian's prometheus package (apt-get install -y prometheus), "
                + "set -Dsluice.prometheus.binary=PATH, or skip with -Dsluice.skipPrometheus=true");
    }

    private static Path repositoryRoot() {
        Path moduleDir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        Path root = moduleDir.getParent();
        if (root == null || !Files.isRegularFile(root.resolve("grafana/dashboards/sluice.json"))) {
            fail("grafana/dashboards/sluice.json not found above " + moduleDir + ": run the test from the "
                    + "integration-tests module of the repository");
        }
        return root;
    }

    private static Settings gatewaySettings(EmbeddedKafka kafka) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("gateway.bind.host", "127.0.0.1");
        overrides.put("gateway.http.port", "0");
        overrides.put("gateway.tcp.port", "0");
        overrides.put("gateway.admin.port", "0");
        overrides.put("gateway.topics", TOPIC);
        overrides.put("gateway.tcp.topic", TOPIC);
        overrides.put("gateway.topics.create", "true");
        overrides.put("gateway.topics.partitions", "3");
        overrides.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        return Settings.load(GatewayConfig.DEFINITION, null, Map.of(), overrides);
    }

    /** Builds settings for a writer throttled below the input rate, with a small queue, so lag builds and it pauses. */
    private static Settings writerSettings(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("writer.bind.host", "127.0.0.1");
        overrides.put("writer.admin.port", "0");
        overrides.put("writer.topics", TOPIC);
        overrides.put("writer.group.id", "monitoring-test");
        overrides.put("writer.batch.max.rows", "50");
        overrides.put("writer.queue.capacity", "200");
        overrides.put("writer.max.rows.per.second", "300");
        overrides.put("writer.retry.backoff.initial", "50ms");
        overrides.put("writer.retry.backoff.max", "500ms");
        overrides.put("writer.jdbc.url", postgres.jdbcUrl());
        overrides.put("writer.jdbc.user", postgres.user());
        overrides.put("writer.jdbc.password", postgres.password());
        overrides.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        return Settings.load(WriterConfig.DEFINITION, null, Map.of(), overrides);
    }

    private static Path writeConfig(Path workDir, Path alertsFile, int gatewayAdminPort, int writerAdminPort)
            throws IOException {
        String template;
        try (InputStream in = PrometheusQueriesTest.class.getResourceAsStream("/monitoring/prometheus-test.yml")) {
            assertThat(in).as("test resource monitoring/prometheus-test.yml").isNotNull();
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String config = template
                .replace("@ALERTS_FILE@", alertsFile.toString())
                .replace("@GATEWAY_ADMIN_PORT@", Integer.toString(gatewayAdminPort))
                .replace("@WRITER_ADMIN_PORT@", Integer.toString(writerAdminPort));
        return Files.writeString(workDir.resolve("prometheus.yml"), config);
    }

    /**
     * Sends input that creates the rejection, unsupported media type, unknown topic and dead-letter series:
     * lines the gateway rejects, and one valid JSON line that PostgreSQL rejects because jsonb cannot store
     * an escaped NUL character.
     */
    private static void sendRejectedInput(EventTraffic traffic) throws IOException, InterruptedException {
        byte[] invalidLines = "{\"id\":\"bad-1\"\nnot json\n[1,2,3]\n{\"id\":\"ok-1\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] invalidUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        byte[] deadLetter = "{\"id\":\"dead-letter-1\",\"note\":\"\\u0000\"}\n".getBytes(StandardCharsets.UTF_8);

        traffic.post(TOPIC, "application/x-ndjson", invalidLines);
        traffic.post(TOPIC, "application/x-ndjson", invalidUtf8);
        traffic.post(TOPIC, "text/html", "<p>hello</p>".getBytes(StandardCharsets.UTF_8));
        traffic.post("no-such-topic", "application/x-ndjson", "{\"id\":1}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(traffic.post(TOPIC, "application/x-ndjson", deadLetter)).as("status of the dead-letter event")
                .isEqualTo(200);
    }

    /**
     * Makes the writer's transactions fail with a real serialization failure (SQLState 40001) from a trigger on
     * the offsets table until the writer has counted a retry, then removes the trigger.
     */
    private static void forceDatabaseRetries(EmbeddedPostgres postgres, DbWriter writer) throws SQLException {
        execute(postgres, "CREATE FUNCTION " + FAILING_TRIGGER + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'offsets update rejected by the monitoring test' USING ERRCODE = '40001'; "
                + "END $$");
        execute(postgres, "CREATE TRIGGER " + FAILING_TRIGGER + " BEFORE INSERT OR UPDATE ON sluice_offsets "
                + "FOR EACH ROW EXECUTE FUNCTION " + FAILING_TRIGGER + "()");
        try {
            await("writer retries after a serialization failure").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !Search.in(writer.registry()).name("sluice.writer.retries").counters().isEmpty());
        } finally {
            execute(postgres, "DROP TRIGGER IF EXISTS " + FAILING_TRIGGER + " ON sluice_offsets");
            execute(postgres, "DROP FUNCTION IF EXISTS " + FAILING_TRIGGER + "()");
        }
    }

    private static void execute(EmbeddedPostgres postgres, String sql) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int countAlertRules(Path alertsFile) throws IOException {
        return (int) ALERT_RULE.matcher(Files.readString(alertsFile)).results().count();
    }

    /** Returns the compared expressions of each alert condition, by alert name and position. */
    private static Map<String, String> alertOperands(Map<String, String> alertQueries) {
        Map<String, String> operands = new LinkedHashMap<>();
        alertQueries.forEach((alert, query) -> {
            int position = 1;
            for (String operand : PromqlOperands.of(query)) {
                operands.put("alert " + alert + " operand " + position++, operand);
            }
        });
        return operands;
    }

    /**
     * Polls the queries until each returned at least one series or the deadline passed, because rates need two
     * scrapes inside their window. Returns the outcome of each query: a series count or Prometheus' error.
     */
    private static Map<String, String> awaitData(PrometheusServer prometheus, Map<String, String> queries)
            throws IOException, InterruptedException {
        Map<String, String> outcomes = new LinkedHashMap<>();
        Map<String, String> pending = new LinkedHashMap<>(queries);
        long deadline = System.nanoTime() + QUERY_DEADLINE.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (Map.Entry<String, String> query : Map.copyOf(pending).entrySet()) {
                String outcome = runQuery(prometheus, query.getValue());
                outcomes.put(query.getKey(), outcome);
                if (!outcome.equals("0 series")) {
                    pending.remove(query.getKey());
                }
            }
            Thread.sleep(1_000);
        }
        return outcomes;
    }

    private static String runQuery(PrometheusServer prometheus, String promql) throws IOException,
            InterruptedException {
        try {
            return prometheus.query(promql).size() + " series";
        } catch (IllegalStateException rejected) {
            return rejected.getMessage();
        }
    }

    private static void assertEveryQueryReturnedData(Map<String, String> queries, Map<String, String> outcomes,
            PrometheusServer prometheus) {
        SoftAssertions softly = new SoftAssertions();
        queries.forEach((name, promql) -> softly.assertThat(outcomes.get(name))
                .as("%s: %s", name, promql)
                .matches("[1-9][0-9]* series"));
        if (!softly.wasSuccess()) {
            System.out.println("Prometheus log:\n" + prometheus.log());
        }
        softly.assertAll();
    }
}
