package io.sluice.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.sluice.writer.WriterTestStack.Scope;
import io.sluice.writer.config.WriterConfig;
import io.sluice.writer.metrics.WriterMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The writer against a real Kafka broker and a real PostgreSQL. */
@Timeout(120)
class DbWriterTest {
    private static WriterTestStack stack;

    @BeforeAll
    static void startStack() {
        stack = new WriterTestStack();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void writesEveryRecordExactlyOnce() throws Exception {
        Scope scope = stack.newScope("exactly_once", 3);
        stack.produce(scope.topic(), 3, 0, 20_000);

        try (DbWriter writer = DbWriter.start(stack.settings(scope, Map.of()))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.rowsWritten() >= 20_000);
            Map<Integer, Long> endOffsets = stack.endOffsets(scope.topic(), 3);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> stack.committedKafkaOffsets(scope.group()).equals(endOffsets));

            assertThat(stack.queryLong("SELECT count(*) FROM \"" + scope.events() + "\"")).isEqualTo(20_000);
            assertThat(stack.queryLong("SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM \""
                    + scope.events() + "\"")).isEqualTo(20_000);
            assertThat(stack.storedOffsets(scope)).isEqualTo(endOffsets);
            assertThat(writer.rowsWritten()).isEqualTo(20_000);
            Timer latency = writer.registry().find(WriterMetrics.E2E_LATENCY).timer();
            assertThat(latency).isNotNull();
            assertThat(latency.count()).isEqualTo(20_000);
            assertThat(stack.queryLong("SELECT count(*) FROM \"" + scope.deadLetters() + "\"")).isZero();
        }
    }

    @Test
    void adminPortServesWriterMetrics() throws Exception {
        Scope scope = stack.newScope("admin", 2);
        stack.produce(scope.topic(), 2, 0, 500);

        try (DbWriter writer = DbWriter.start(stack.settings(scope, Map.of()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.rowsWritten() >= 500);
            await().atMost(Duration.ofSeconds(10)).until(() -> get(writer, "/readyz").statusCode() == 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> lagRecordsOf(get(writer, "/metrics").body()) == 0.0);
            String metrics = get(writer, "/metrics").body();

            assertThat(metrics).contains("sluice_writer_rows_written_total{application=\"db-writer\",topic=\""
                    + scope.topic() + "\"} 500.0");
            assertThat(metrics).contains("sluice_writer_lag_records{", "sluice_writer_lag_seconds{",
                    "sluice_writer_e2e_latency_seconds_bucket{", "sluice_writer_write_seconds_count",
                    "sluice_writer_batch_rows_count", "sluice_writer_queue_depth_records",
                    "sluice_writer_queue_capacity_records", "sluice_writer_queue_depth_bytes{",
                    "sluice_writer_queue_capacity_bytes{application=\"db-writer\"} 6.7108864E7",
                    "sluice_writer_partition_pauses_total",
                    "sluice_writer_partition_paused_seconds_total", "sluice_writer_partitions_paused",
                    "sluice_writer_partitions_assigned{application=\"db-writer\"} 2.0",
                    "sluice_writer_stale_batches_total", "hikaricp_connections", "kafka_consumer_");
            assertThat(get(writer, "/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void rejectedRecordsGoToDeadLetters() throws Exception {
        Scope scope = stack.newScope("dead_letter", 1);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            values.add(("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        values.add("{\"id\":5,\"name\":\"a\\u0000b\"}".getBytes(StandardCharsets.UTF_8));
        for (int i = 6; i < 9; i++) {
            values.add(("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        values.add("{\"id\":9,\"broken\":".getBytes(StandardCharsets.UTF_8));
        values.add("{\"id\":10}".getBytes(StandardCharsets.UTF_8));
        stack.produceValues(scope.topic(), 1, values);

        try (DbWriter writer = DbWriter.start(stack.settings(scope, Map.of()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.storedOffsets(scope).getOrDefault(0, 0L) == 11);

            assertThat(stack.queryLong("SELECT count(*) FROM \"" + scope.events() + "\"")).isEqualTo(9);
            assertThat(stack.queryLong("SELECT count(*) FROM \"" + scope.events() + "\" WHERE kafka_offset > 5"))
                    .isEqualTo(4);
            assertThat(deadLetterStates(scope)).containsExactly("5:22P05", "9:22P02");
            assertThat(stack.queryLong("SELECT count(*) FROM \"" + scope.deadLetters()
                    + "\" WHERE strpos(payload, 'a\\u0000b') > 0 AND reason <> ''")).isEqualTo(1);
            Counter deadLetters = writer.registry().find(WriterMetrics.DEAD_LETTERS).counter();
            assertThat(deadLetters).isNotNull();
            assertThat(deadLetters.count()).isEqualTo(2.0);
        }
    }

    @Test
    void lockedTablePausesWithoutRebalance() throws Exception {
        Scope scope = stack.newScope("slow_db", 3);
        Map<String, String> overrides = Map.of(
                WriterConfig.QUEUE_CAPACITY.name(), "2000",
                WriterConfig.BATCH_MAX_ROWS.name(), "200",
                "kafka.consumer.max.poll.interval.ms", "6000",
                "kafka.consumer.max.poll.records", "200");

        try (DbWriter writer = DbWriter.start(stack.settings(scope, overrides));
                Connection lock = stack.postgres.dataSource().getConnection()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.rebalanceEvents() == 1);
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE \"" + scope.events() + "\" IN ACCESS EXCLUSIVE MODE");
            }
            long lockedAt = System.nanoTime();
            stack.produce(scope.topic(), 3, 0, 10_000);
            await().atMost(Duration.ofSeconds(20)).until(writer::isPaused);
            Thread.sleep(Math.max(0, 15_000 - (System.nanoTime() - lockedAt) / 1_000_000));

            assertThat(writer.isPaused()).isTrue();
            assertThat(writer.rowsWritten()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> gaugeSum(writer, WriterMetrics.LAG_RECORDS) == 10_000);
            assertThat(gaugeMax(writer, WriterMetrics.LAG_SECONDS)).isGreaterThan(5.0);
            lock.commit();
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.rowsWritten() >= 10_000);

            assertThat(writer.rebalanceEvents()).isEqualTo(1);
            assertThat(writer.registry().find(WriterMetrics.PARTITION_PAUSES).counter().count()).isPositive();
            assertThat(writer.registry().find(WriterMetrics.PARTITION_PAUSED_SECONDS).counter().count())
                    .isGreaterThan(6.0);
            assertThat(stack.queryLong("SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM \""
                    + scope.events() + "\"")).isEqualTo(10_000);
            assertThat(stack.queryLong("SELECT count(*) FROM \"" + scope.events() + "\"")).isEqualTo(10_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> gaugeSum(writer, WriterMetrics.LAG_RECORDS) == 0);
            assertThat(gaugeMax(writer, WriterMetrics.LAG_SECONDS)).isZero();
        }
    }

    @Test
    void largeRecordsPauseAtByteCapacity() throws Exception {
        Scope scope = stack.newScope("large_records", 2);
        int count = 80;
        stack.produceValues(scope.topic(), 2, largeValues(count, 200_000));
        long capacityBytes = 4L << 20;
        Map<String, String> overrides = Map.of(
                WriterConfig.QUEUE_CAPACITY_BYTES.name(), Long.toString(capacityBytes),
                WriterConfig.BATCH_MAX_ROWS.name(), "10",
                WriterConfig.MAX_ROWS_PER_SECOND.name(), "40");

        try (DbWriter writer = DbWriter.start(stack.settings(scope, overrides))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.rowsWritten() >= count);
            Thread.sleep(500);

            long onePollBytes = DbWriter.fetchMaxBytes(capacityBytes);
            assertThat(writer.peakQueueBytes()).isLessThanOrEqualTo(capacityBytes + onePollBytes);
            assertThat(writer.peakQueueBytes()).isGreaterThanOrEqualTo((long) (capacityBytes * 0.8));
            assertThat(writer.registry().find(WriterMetrics.PARTITION_PAUSES).counter().count()).isPositive();
            assertThat(writer.registry().find(WriterMetrics.QUEUE_CAPACITY_BYTES).gauge().value())
                    .isEqualTo(capacityBytes);
            assertThat(rowCount(scope)).isEqualTo(count);
            assertThat(stack.queryLong("SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM \""
                    + scope.events() + "\"")).isEqualTo(count);
            assertThat(stack.storedOffsets(scope)).isEqualTo(stack.endOffsets(scope.topic(), 2));
            assertThat(writer.rowsWritten()).isEqualTo(count);
        }
    }

    @Test
    void missingTopicFailsStart() {
        String missing = "missing_" + UUID.randomUUID().toString().substring(0, 8);
        Scope scope = new Scope(missing, "g_" + missing, "ev_" + missing, "off_" + missing, "dl_" + missing);
        Map<String, String> overrides = Map.of(WriterConfig.TOPICS_READY_TIMEOUT.name(), "2s");

        assertThatThrownBy(() -> DbWriter.start(stack.settings(scope, overrides)).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[" + missing + "]")
                .hasMessageContaining("do not exist")
                .hasMessageContaining("create them")
                .hasMessageContaining("fix writer.topics");
    }

    @Test
    void replacementAfterCloseContinuesWithoutGap() throws Exception {
        Scope scope = stack.newScope("replace", 3);
        stack.produce(scope.topic(), 3, 0, 20_000);
        Map<String, String> throttled = Map.of(WriterConfig.MAX_ROWS_PER_SECOND.name(), "4000");

        DbWriter first = DbWriter.start(stack.settings(scope, throttled));
        try (DbWriter second = startAfterPartialWrite(first, scope, 4_000, Map.of())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> second.rebalanceEvents() >= 1);
            // Lag series follow the assignment: each partition has a series in exactly one writer.
            await().atMost(Duration.ofSeconds(30)).until(() -> lagSeries(first) + lagSeries(second) == 3);
            assertThat(lagSeries(second)).isPositive();
            assertThat(lagSeries(first)).isPositive();
            first.close();
            await().atMost(Duration.ofSeconds(60)).until(() -> rowCount(scope) >= 20_000);
            Thread.sleep(500);

            assertNoDuplicateNoGap(scope, 20_000);
            assertThat(first.rowsWritten() + second.rowsWritten()).isEqualTo(20_000);
        } finally {
            first.close();
        }
    }

    @Test
    void replacementAfterCrashContinuesWithoutGap() throws Exception {
        Scope scope = stack.newScope("crash", 3);
        stack.produce(scope.topic(), 3, 0, 20_000);
        Map<String, String> throttled = Map.of(WriterConfig.MAX_ROWS_PER_SECOND.name(), "4000");

        DbWriter first = DbWriter.start(stack.settings(scope, throttled));
        await().atMost(Duration.ofSeconds(30)).until(() -> first.rowsWritten() >= 4_000);
        first.abandon();
        long writtenBeforeCrash = rowCount(scope);
        // A crash can come between the database commit and the Kafka commit. Rewinding the group's Kafka offsets
        // to 0 forces that worst case, so only the offsets stored in PostgreSQL keep rows from being written twice.
        stack.rewindGroup(scope.group(), scope.topic(), 3);
        try (DbWriter second = DbWriter.start(stack.settings(scope, Map.of()))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> rowCount(scope) >= 20_000);
            Thread.sleep(500);

            assertNoDuplicateNoGap(scope, 20_000);
            assertThat(second.rowsWritten()).isEqualTo(20_000 - writtenBeforeCrash);
        }
    }

    @Test
    void terminatedBackendsAreRetriedWithoutLoss() throws Exception {
        Scope scope = stack.newScope("outage", 3);
        stack.produce(scope.topic(), 3, 0, 20_000);
        String applicationName = "sluice_outage_test";
        Map<String, String> overrides = Map.of(
                WriterConfig.MAX_ROWS_PER_SECOND.name(), "5000",
                WriterConfig.BATCH_MAX_ROWS.name(), "250",
                WriterConfig.RETRY_BACKOFF_INITIAL.name(), "50ms",
                WriterConfig.JDBC_URL.name(), stack.postgres.jdbcUrl() + "&ApplicationName=" + applicationName);

        try (DbWriter writer = DbWriter.start(stack.settings(scope, overrides))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.rowsWritten() >= 1_000);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                terminateBackends(applicationName);
                return retries(writer) > 0;
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> rowCount(scope) >= 20_000);
            Thread.sleep(500);

            assertNoDuplicateNoGap(scope, 20_000);
            assertThat(retries(writer)).isPositive();
        }
    }

    /** Returns JSON objects of about {@code sizeBytes} bytes each. */
    private static List<byte[]> largeValues(int count, int sizeBytes) {
        String filler = "x".repeat(sizeBytes);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(("{\"id\":" + i + ",\"filler\":\"" + filler + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        return values;
    }

    private static DbWriter startAfterPartialWrite(DbWriter first, Scope scope, long rows,
            Map<String, String> overrides) {
        await().atMost(Duration.ofSeconds(30)).until(() -> first.rowsWritten() >= rows);
        return DbWriter.start(stack.settings(scope, overrides));
    }

    private static void assertNoDuplicateNoGap(Scope scope, long expectedRows) throws Exception {
        assertThat(rowCount(scope)).isEqualTo(expectedRows);
        Map<Integer, Long> endOffsets = stack.endOffsets(scope.topic(), 3);
        Map<Integer, long[]> coverage = stack.partitionCoverage(scope);
        for (Map.Entry<Integer, Long> end : endOffsets.entrySet()) {
            long[] partition = coverage.get(end.getKey());
            assertThat(partition).as("rows of partition %d", end.getKey()).isNotNull();
            assertThat(partition[0]).as("rows of partition %d", end.getKey()).isEqualTo(end.getValue());
            assertThat(partition[1]).as("distinct offsets of partition %d", end.getKey()).isEqualTo(end.getValue());
            assertThat(partition[2]).as("highest offset + 1 of partition %d", end.getKey()).isEqualTo(end.getValue());
        }
        assertThat(stack.storedOffsets(scope)).isEqualTo(endOffsets);
        assertThat(stack.queryLong("SELECT count(*) FROM \"" + scope.deadLetters() + "\"")).isZero();
    }

    private static long rowCount(Scope scope) throws Exception {
        return stack.queryLong("SELECT count(*) FROM \"" + scope.events() + "\"");
    }

    private static int lagSeries(DbWriter writer) {
        return writer.registry().find(WriterMetrics.LAG_RECORDS).gauges().size();
    }

    private static double gaugeSum(DbWriter writer, String name) {
        return writer.registry().find(name).gauges().stream().mapToDouble(Gauge::value).sum();
    }

    private static double gaugeMax(DbWriter writer, String name) {
        return writer.registry().find(name).gauges().stream().mapToDouble(Gauge::value).max().orElse(-1);
    }

    private static double retries(DbWriter writer) {
        return writer.registry().find(WriterMetrics.RETRIES).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static void terminateBackends(String applicationName) throws Exception {
        try (Connection connection = stack.postgres.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                    + applicationName + "'");
        }
    }

    private static List<String> deadLetterStates(Scope scope) throws Exception {
        List<String> states = new ArrayList<>();
        try (Connection connection = stack.postgres.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT kafka_offset, sql_state FROM \""
                        + scope.deadLetters() + "\" ORDER BY kafka_offset")) {
            while (resultSet.next()) {
                states.add(resultSet.getLong(1) + ":" + resultSet.getString(2));
            }
        }
        return states;
    }

    private static HttpResponse<String> get(DbWriter writer, String path) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + writer.adminPort() + path))
                .timeout(Duration.ofSeconds(5)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sums every sluice_writer_lag_records sample in a Prometheus scrape, or returns -1 when there is none. */
    private static double lagRecordsOf(String scrape) {
        double sum = -1;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("sluice_writer_lag_records{")) {
                sum = Math.max(sum, 0) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
