package io.sluice.it;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.sluice.writer.metrics.WriterMetrics;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Values of one writer's per-partition lag gauges at one moment, keyed by partition number, read from its meter
 * registry: {@code sluice_writer_lag_records} and {@code sluice_writer_lag_seconds}.
 */
record LagSnapshot(Map<Integer, Double> records, Map<Integer, Double> seconds) {

    static LagSnapshot of(MeterRegistry registry, String topic) {
        return new LagSnapshot(read(registry, WriterMetrics.LAG_RECORDS, topic),
                read(registry, WriterMetrics.LAG_SECONDS, topic));
    }

    private static Map<Integer, Double> read(MeterRegistry registry, String name, String topic) {
        Collection<Gauge> gauges = Search.in(registry).name(name).tag("topic", topic).gauges();
        Map<Integer, Double> byPartition = new TreeMap<>();
        for (Gauge gauge : gauges) {
            byPartition.put(Integer.parseInt(gauge.getId().getTag("partition")), gauge.value());
        }
        return byPartition;
    }

    /** Partitions that have a lag records series, a lag seconds series, or both. */
    Set<Integer> partitions() {
        Set<Integer> partitions = new TreeSet<>(records.keySet());
        partitions.addAll(seconds.keySet());
        return partitions;
    }

    double totalRecords() {
        return records.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    double maxSeconds() {
        return seconds.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    double records(int partition) {
        return records.getOrDefault(partition, Double.NaN);
    }

    double seconds(int partition) {
        return seconds.getOrDefault(partition, Double.NaN);
    }

    @Override
    public String toString() {
        return "lag records " + records + ", lag seconds " + seconds;
    }
}
