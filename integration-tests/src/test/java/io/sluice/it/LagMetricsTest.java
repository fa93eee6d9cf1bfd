package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.sluice.gateway.Gateway;
import io.sluice.writer.DbWriter;
import io.sluice.writer.metrics.WriterMetrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The writer's three lag measures follow the backlog. Per-partition lag in records and in seconds grows under a
 * flood that outruns a throttled writer. Each partition's series lives in exactly one writer across a cooperative
 * rebalance. Both return to 0 once the writers drain, and there is one end-to-end latency sample per written row.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LagMetricsTest {

    private static final String TOPIC = PipelineStack.TOPIC;
    private static final Set<Integer> ALL_PARTITIONS =
            IntStream.range(0, 6).boxed().collect(Collectors.toUnmodifiableSet());
    /** 15 s of flood at the rate below. */
    private static final int EVENTS = 72_000;
    private static final int EVENTS_PER_SECOND = 4_800;
    private static final int LINES_PER_REQUEST = 400;
    /** Per writer. Two writers together stay below the flood rate, so the backlog grows until the flood ends. */
    private static final String MAX_ROWS_PER_SECOND = "2000";
    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(500);
    /** Three times the writer's lag refresh interval of 2 s, so the samples span several log end offset reads. */
    private static final Duration FLOOD_SAMPLING = Duration.ofSeconds(6);
    private static final Duration OWNERSHIP_SAMPLING = Duration.ofSeconds(3);

    private static PipelineStack stack;

    @BeforeAll
    static void startStack() {
        stack = PipelineStack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void lagFollowsBacklogRebalanceAndDrain() throws Exception {
        List<String> ids = EventSenders.ids("lag", EVENTS);
        try (Gateway gateway = stack.startGateway();
             DbWriter first = stack.startWriter(throttledWriter());
             PacedFlood flood = PacedFlood.start(gateway.httpPort(), ids, EVENTS_PER_SECOND, LINES_PER_REQUEST)) {
            List<LagSnapshot> growth = sampleWhileFlooding(first);
            assertThat(flood.ackedEvents()).as("events acked when sampling ended; the flood must still run")
                    .isLessThan(EVENTS);
            assertPositiveEverywhere(growth);
            assertGrew(growth.get(0), growth.get(growth.size() - 1));

            try (DbWriter second = stack.startWriter(throttledWriter())) {
                assertEachPartitionInOneWriter(first, second);
                Timer firstLatency = e2eLatency(first);
                first.close();
                assertSurvivorOwnsAllPartitions(second);

                assertThat(flood.awaitDone(Duration.ofSeconds(60))).as("flood finished within 60 s").isTrue();
                assertThat(flood.failures()).as("requests the gateway did not answer with 200").isEmpty();
                assertThat(flood.ackedEvents()).as("events acked by the gateway").isEqualTo(EVENTS);

                assertDrainedToZero(second);
                assertLatencyCountsRows(first, firstLatency, second);
            }
        }
    }

    private static Map<String, String> throttledWriter() {
        return Map.of(
                "writer.max.rows.per.second", MAX_ROWS_PER_SECOND,
                "writer.batch.max.rows", "200",
                "writer.queue.capacity", "2000",
                "kafka.consumer.session.timeout.ms", "6000",
                "kafka.consumer.heartbeat.interval.ms", "500");
    }

    /** Waits for the first log end offset read, then samples the lag gauges while the flood outruns the writer. */
    private static List<LagSnapshot> sampleWhileFlooding(DbWriter writer) throws InterruptedException {
        await("first lag reading of the throttled writer").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> snapshot(writer).totalRecords() > 0);
        List<LagSnapshot> samples = new ArrayList<>();
        long endNanos = System.nanoTime() + FLOOD_SAMPLING.toNanos();
        while (System.nanoTime() < endNanos) {
            samples.add(snapshot(writer));
            Thread.sleep(SAMPLE_INTERVAL.toMillis());
        }
        samples.add(snapshot(writer));
        return samples;
    }

    /** Checks that every partition has lag series and that neither lag measure is 0 in any sample. */
    private static void assertPositiveEverywhere(List<LagSnapshot> samples) {
        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < samples.size(); i++) {
            LagSnapshot sample = samples.get(i);
            softly.assertThat(sample.partitions()).as("partitions with lag series in sample %d", i)
                    .isEqualTo(ALL_PARTITIONS);
            for (int partition : ALL_PARTITIONS) {
                softly.assertThat(sample.records(partition))
                        .as("lag records of partition %d in sample %d (%s)", partition, i, sample).isPositive();
                softly.assertThat(sample.seconds(partition))
                        .as("lag seconds of partition %d in sample %d (%s)", partition, i, sample).isPositive();
            }
        }
        softly.assertAll();
    }

    private static void assertGrew(LagSnapshot first, LagSnapshot last) {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(last.totalRecords()).as("total lag records, first %s, last %s", first, last)
                .isGreaterThan(first.totalRecords());
        softly.assertThat(last.maxSeconds()).as("max lag seconds, first %s, last %s", first, last)
                .isGreaterThan(first.maxSeconds());
        for (int partition : ALL_PARTITIONS) {
            softly.assertThat(last.records(partition)).as("lag records of partition %d, first %s, last %s",
                    partition, first, last).isGreaterThan(first.records(partition));
            softly.assertThat(last.seconds(partition)).as("lag seconds of partition %d, first %s, last %s",
                    partition, first, last).isGreaterThan(first.seconds(partition));
        }
        softly.assertAll();
    }

    /**
     * Waits until the second writer took its share and every partition's lag is known in its owner, then checks
     * over a few seconds that no partition has series in both writers and none has series in neither.
     */
    private static void assertEachPartitionInOneWriter(DbWriter first, DbWriter second)
            throws InterruptedException {
        await("cooperative rebalance that gives the second writer partitions").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> splitWithLagKnown(snapshot(first), snapshot(second)));
        SoftAssertions softly = new SoftAssertions();
        long endNanos = System.nanoTime() + OWNERSHIP_SAMPLING.toNanos();
        for (int i = 0; System.nanoTime() < endNanos; i++) {
            LagSnapshot inFirst = snapshot(first);
            LagSnapshot inSecond = snapshot(second);
            assertSplit(softly, i, inFirst, inSecond);
            assertSeriesMatchAssignment(softly, i, first, inFirst);
            assertSeriesMatchAssignment(softly, i, second, inSecond);
            Thread.sleep(SAMPLE_INTERVAL.toMillis());
        }
        softly.assertAll();
    }

    private static boolean splitWithLagKnown(LagSnapshot inFirst, LagSnapshot inSecond) {
        Set<Integer> shared = new HashSet<>(inFirst.partitions());
        shared.retainAll(inSecond.partitions());
        Set<Integer> union = new HashSet<>(inFirst.partitions());
        union.addAll(inSecond.partitions());
        boolean lagKnown = inFirst.records().values().stream().allMatch(value -> value > 0)
                && inSecond.records().values().stream().allMatch(value -> value > 0);
        return shared.isEmpty() && union.equals(ALL_PARTITIONS) && !inFirst.partitions().isEmpty()
                && !inSecond.partitions().isEmpty() && lagKnown;
    }

    private static void assertSplit(SoftAssertions softly, int i, LagSnapshot inFirst, LagSnapshot inSecond) {
        Set<Integer> shared = new HashSet<>(inFirst.partitions());
        shared.retainAll(inSecond.partitions());
        Set<Integer> union = new HashSet<>(inFirst.partitions());
        union.addAll(inSecond.partitions());
        softly.assertThat(shared).as("partitions with series in both writers, sample %d (first: %s; second: %s)",
                i, inFirst, inSecond).isEmpty();
        softly.assertThat(union).as("partitions with series in either writer, sample %d (first: %s; second: %s)",
                i, inFirst, inSecond).isEqualTo(ALL_PARTITIONS);
        for (LagSnapshot owner : List.of(inFirst, inSecond)) {
            for (int partition : owner.partitions()) {
                softly.assertThat(owner.records(partition))
                        .as("lag records of partition %d in its owner, sample %d (%s)", partition, i, owner)
                        .isPositive();
                softly.assertThat(owner.seconds(partition))
                        .as("lag seconds of partition %d in its owner, sample %d (%s)", partition, i, owner)
                        .isPositive();
            }
        }
    }

    private static void assertSeriesMatchAssignment(SoftAssertions softly, int i, DbWriter writer,
            LagSnapshot lag) {
        softly.assertThat(lag.partitions().size())
                .as("lag series vs %s, sample %d (%s)", WriterMetrics.PARTITIONS_ASSIGNED, i, lag)
                .isEqualTo((int) partitionsAssigned(writer));
    }

    /** After the first writer left the group, the survivor has series for every partition, all with lag. */
    private static void assertSurvivorOwnsAllPartitions(DbWriter survivor) {
        await("survivor owns every partition with its lag known").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    LagSnapshot lag = snapshot(survivor);
                    return lag.partitions().equals(ALL_PARTITIONS)
                            && lag.records().values().stream().allMatch(value -> value > 0);
                });
        LagSnapshot lag = snapshot(survivor);
        assertThat(partitionsAssigned(survivor)).as("%s of the survivor", WriterMetrics.PARTITIONS_ASSIGNED)
                .isEqualTo(ALL_PARTITIONS.size());
        SoftAssertions softly = new SoftAssertions();
        for (int partition : ALL_PARTITIONS) {
            softly.assertThat(lag.seconds(partition))
                    .as("lag seconds of partition %d in the survivor (%s)", partition, lag).isPositive();
        }
        softly.assertAll();
    }

    /** Waits for every row, then checks that both lag measures of every partition are exactly 0. */
    private static void assertDrainedToZero(DbWriter survivor) throws Exception {
        await("survivor drains the backlog and lag returns to 0").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    LagSnapshot lag = snapshot(survivor);
                    return stack.rowCount() == EVENTS && lag.totalRecords() == 0 && lag.maxSeconds() == 0;
                });
        assertThat(stack.rowCount()).as("rows in the events table").isEqualTo(EVENTS);
        LagSnapshot lag = snapshot(survivor);
        String metrics = PrometheusText.scrape(survivor.adminPort());
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(lag.partitions()).as("partitions with lag series after the drain").isEqualTo(ALL_PARTITIONS);
        for (int partition : ALL_PARTITIONS) {
            Map<String, String> labels = Map.of("topic", TOPIC, "partition", Integer.toString(partition));
            softly.assertThat(lag.records(partition)).as("lag records of partition %d", partition).isZero();
            softly.assertThat(lag.seconds(partition)).as("lag seconds of partition %d", partition).isZero();
            softly.assertThat(PrometheusText.value(metrics, "sluice_writer_lag_records", labels))
                    .as("sluice_writer_lag_records of partition %d on /metrics", partition).hasValue(0);
            softly.assertThat(PrometheusText.value(metrics, "sluice_writer_lag_seconds", labels))
                    .as("sluice_writer_lag_seconds of partition %d on /metrics", partition).hasValue(0);
        }
        softly.assertAll();
    }

    /**
     * Each writer recorded one end-to-end latency sample per row it wrote, and the two wrote every event once. The
     * first writer's timer is read from the reference kept before it closed, because closing removes its meters.
     */
    private static void assertLatencyCountsRows(DbWriter first, Timer firstLatency, DbWriter second)
            throws Exception {
        Timer secondLatency = e2eLatency(second);
        String metrics = PrometheusText.scrape(second.adminPort());
        Map<String, String> topic = Map.of("topic", TOPIC);
        Map<String, String> infBucket = Map.of("topic", TOPIC, "le", "+Inf");

        assertThat(first.rowsWritten() + second.rowsWritten()).as("rows written by both writers").isEqualTo(EVENTS);
        assertThat(firstLatency.count()).as("e2e latency samples of the first writer")
                .isEqualTo(first.rowsWritten());
        assertThat(secondLatency.count()).as("e2e latency samples of the second writer")
                .isEqualTo(second.rowsWritten());
        assertThat(PrometheusText.value(metrics, "sluice_writer_e2e_latency_seconds_count", topic))
                .as("sluice_writer_e2e_latency_seconds_count on /metrics").hasValue(second.rowsWritten());
        assertThat(PrometheusText.value(metrics, "sluice_writer_e2e_latency_seconds_bucket", infBucket))
                .as("+Inf bucket of sluice_writer_e2e_latency_seconds on /metrics").hasValue(second.rowsWritten());
    }

    private static LagSnapshot snapshot(DbWriter writer) {
        return LagSnapshot.of(writer.registry(), TOPIC);
    }

    private static Timer e2eLatency(DbWriter writer) {
        Timer timer = Search.in(writer.registry()).name(WriterMetrics.E2E_LATENCY).tag("topic", TOPIC).timer();
        assertThat(timer).as("%s timer of topic %s", WriterMetrics.E2E_LATENCY, TOPIC).isNotNull();
        return timer;
    }

    private static double partitionsAssigned(DbWriter writer) {
        Gauge gauge = Search.in(writer.registry()).name(WriterMetrics.PARTITIONS_ASSIGNED).gauge();
        assertThat(gauge).as("%s gauge", WriterMetrics.PARTITIONS_ASSIGNED).isNotNull();
        return gauge.value();
    }
}
