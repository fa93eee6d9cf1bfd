package io.sluice.writer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * The writer's meters. Names are Micrometer names; the Prometheus registry renders {@code sluice.writer.rows.written}
 * as {@code sluice_writer_rows_written_total}. Thread safe.
 */
public final class WriterMetrics implements AutoCloseable {
    public static final String ROWS_WRITTEN = "sluice.writer.rows.written";
    public static final String BATCH_ROWS = "sluice.writer.batch.rows";
    public static final String WRITE = "sluice.writer.write";
    public static final String E2E_LATENCY = "sluice.writer.e2e.latency";
    public static final String QUEUE_DEPTH = "sluice.writer.queue.depth.records";
    public static final String QUEUE_CAPACITY = "sluice.writer.queue.capacity.records";
    public static final String QUEUE_DEPTH_BYTES = "sluice.writer.queue.depth.bytes";
    public static final String QUEUE_CAPACITY_BYTES = "sluice.writer.queue.capacity.bytes";
    public static final String PARTITION_PAUSES = "sluice.writer.partition.pauses";
    public static final String PARTITION_PAUSED_SECONDS = "sluice.writer.partition.paused.seconds";
    public static final String PARTITIONS_PAUSED = "sluice.writer.partitions.paused";
    public static final String PARTITIONS_ASSIGNED = "sluice.writer.partitions.assigned";
    public static final String LAG_RECORDS = "sluice.writer.lag.records";
    public static final String LAG_SECONDS = "sluice.writer.lag.seconds";
    public static final String DEAD_LETTERS = "sluice.writer.dead.letters";
    public static final String RETRIES = "sluice.writer.retries";
    public static final String STALE_BATCHES = "sluice.writer.stale.batches";
    public static final String ERRORS = "sluice.writer.errors";

    /** Values of the {@code type} tag of {@link #ERRORS}. */
    public static final String ERROR_DATABASE = "database";
    public static final String ERROR_KAFKA_COMMIT = "kafka_commit";
    public static final String ERROR_OFFSET_LOAD = "offset_load";
    public static final String ERROR_REVOKE_TIMEOUT = "revoke_timeout";
    public static final String ERROR_LAG_REFRESH = "lag_refresh";
    public static final String ERROR_UNEXPECTED = "unexpected";

    private final MeterRegistry registry;
    private final List<Meter> fixedMeters = new ArrayList<>();
    private final Map<TopicPartition, List<Meter>> partitionMeters = new ConcurrentHashMap<>();
    private final Map<String, Counter> countersByKey = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencyByTopic = new ConcurrentHashMap<>();
    private final AtomicLong rowsWrittenTotal = new AtomicLong();
    private final DistributionSummary batchRows;
    private final Timer write;
    private final Counter partitionPauses;
    private final Counter partitionPausedSeconds;
    private final Counter staleBatches;

    public WriterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchRows = keep(DistributionSummary.builder(BATCH_ROWS)
                .description("Records per committed batch, rows plus dead letters").register(registry));
        this.write = keep(Timer.builder(WRITE).description("Batch transaction duration, including retries")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1)).register(registry));
        this.partitionPauses = keep(Counter.builder(PARTITION_PAUSES)
                .description("Times the writer paused its partitions for a full queue").register(registry));
        this.partitionPausedSeconds = keep(Counter.builder(PARTITION_PAUSED_SECONDS)
                .description("Time spent with partitions paused, in seconds").register(registry));
        this.staleBatches = keep(Counter.builder(STALE_BATCHES)
                .description("Batches dropped because a rebalance moved their partition").register(registry));
    }

    /** Registers the gauges that read the batch queue: depth and capacity, in records and in bytes. */
    public void registerQueueGauges(Supplier<Number> depthRecords, int capacityRecords, Supplier<Number> depthBytes,
            long capacityBytes) {
        keep(Gauge.builder(QUEUE_DEPTH, depthRecords).description("Records in the batch queue, queued or in flight")
                .strongReference(true).register(registry));
        keep(Gauge.builder(QUEUE_CAPACITY, () -> capacityRecords).description("Batch queue capacity in records")
                .strongReference(true).register(registry));
        keep(Gauge.builder(QUEUE_DEPTH_BYTES, depthBytes)
                .description("Bytes in the batch queue, queued or in flight: keys, values and a fixed overhead per "
                        + "record")
                .baseUnit("bytes").strongReference(true).register(registry));
        keep(Gauge.builder(QUEUE_CAPACITY_BYTES, () -> capacityBytes).description("Batch queue capacity in bytes")
                .baseUnit("bytes").strongReference(true).register(registry));
    }

    /** Registers the gauges that read the partitions' state. */
    public void registerPartitionGauges(Supplier<Number> paused, Supplier<Number> assigned) {
        keep(Gauge.builder(PARTITIONS_PAUSED, paused).description("1 while partitions are paused for a full queue")
                .strongReference(true).register(registry));
        keep(Gauge.builder(PARTITIONS_ASSIGNED, assigned).description("Partitions assigned to this writer")
                .strongReference(true).register(registry));
    }

    /** Registers the lag gauges of a newly assigned partition, replacing series left from an earlier assignment. */
    public <T> void registerPartition(TopicPartition partition, T state, ToDoubleFunction<T> lagRecords,
            ToDoubleFunction<T> lagSeconds) {
        removePartition(partition);
        Tags tags = Tags.of("topic", partition.topic(), "partition", Integer.toString(partition.partition()));
        List<Meter> meters = List.of(
                Gauge.builder(LAG_RECORDS, state, lagRecords).tags(tags)
                        .description("Log end offset minus the next offset stored in PostgreSQL")
                        .strongReference(true).register(registry),
                Gauge.builder(LAG_SECONDS, state, lagSeconds).tags(tags)
                        .description("Age of the oldest event of the partition not yet written, in seconds")
                        .strongReference(true).register(registry));
        partitionMeters.put(partition, meters);
    }

    /** Removes the series of a partition that is no longer assigned. */
    public void removePartition(TopicPartition partition) {
        List<Meter> meters = partitionMeters.remove(partition);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    /** Records a committed batch: rows, dead letters and the transaction time. */
    public void batchCommitted(String topic, int rows, int deadLetters, Duration transactionTime) {
        batchRows.record(rows + deadLetters);
        write.record(transactionTime);
        counter(ROWS_WRITTEN, "Rows committed to the events table", "topic", topic).increment(rows);
        rowsWrittenTotal.addAndGet(rows);
        if (deadLetters > 0) {
            counter(DEAD_LETTERS, "Records moved to the dead-letter table", "topic", topic).increment(deadLetters);
        }
    }

    public void e2eLatency(String topic, long latencyMs) {
        latencyByTopic.computeIfAbsent(topic, t -> Timer.builder(E2E_LATENCY).tag("topic", t)
                .description("Gateway receive time to PostgreSQL commit, per row")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1)).register(registry))
                .record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
    }

    public void retry(String cause) {
        counter(RETRIES, "Database transactions retried after a failure", "cause", cause).increment();
    }

    public void error(String type) {
        counter(ERRORS, "Errors caught and handled", "type", type).increment();
    }

    public void staleBatch() {
        staleBatches.increment();
    }

    public void paused() {
        partitionPauses.increment();
    }

    public void pausedFor(Duration duration) {
        partitionPausedSeconds.increment(duration.toNanos() / 1e9);
    }

    public long rowsWrittenTotal() {
        return rowsWrittenTotal.get();
    }

    public long partitionPauses() {
        return (long) partitionPauses.count();
    }

    private Counter counter(String name, String description, String tagKey, String tagValue) {
        return countersByKey.computeIfAbsent(name + '\u0000' + tagValue, key -> Counter.builder(name)
                .description(description).tag(tagKey, tagValue).register(registry));
    }

    private <M extends Meter> M keep(M meter) {
        fixedMeters.add(meter);
        return meter;
    }

    /** Removes every meter this class registered. */
    @Override
    public void close() {
        partitionMeters.keySet().forEach(this::removePartition);
        fixedMeters.forEach(registry::remove);
        countersByKey.values().forEach(registry::remove);
        latencyByTopic.values().forEach(registry::remove);
    }
}
