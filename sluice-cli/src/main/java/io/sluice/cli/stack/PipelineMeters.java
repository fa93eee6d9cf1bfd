package io.sluice.cli.stack;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Reads the pipeline's figures from the services' Micrometer registries, by the dotted meter names that
 * docs/architecture.md lists in their Prometheus form (for example {@code sluice_gateway_read_pauses_total}).
 */
public final class PipelineMeters {

    public static final String GATEWAY_EVENTS_ACKED = "sluice.gateway.events.acked";
    public static final String GATEWAY_EVENTS_FAILED = "sluice.gateway.events.failed";
    public static final String GATEWAY_READ_PAUSES = "sluice.gateway.read.pauses";
    public static final String WRITER_PARTITION_PAUSES = "sluice.writer.partition.pauses";
    public static final String WRITER_LAG_RECORDS = "sluice.writer.lag.records";
    public static final String WRITER_DEAD_LETTERS = "sluice.writer.dead.letters";

    private PipelineMeters() {
    }

    /**
     * Returns the sum of every counter named {@code name} over all its tags, whether registered as a
     * {@link Counter} or a {@link FunctionCounter}, or 0 when none is registered.
     */
    public static long counterTotal(MeterRegistry registry, String name) {
        double total = 0;
        for (Counter counter : registry.find(name).counters()) {
            total += counter.count();
        }
        for (FunctionCounter counter : registry.find(name).functionCounters()) {
            total += counter.count();
        }
        return Math.round(total);
    }

    /** Returns the sum of every gauge named {@code name} over all its tags, ignoring gauges that are NaN. */
    public static long gaugeTotal(MeterRegistry registry, String name) {
        double total = 0;
        for (Gauge gauge : registry.find(name).gauges()) {
            double value = gauge.value();
            if (!Double.isNaN(value)) {
                total += value;
            }
        }
        return Math.round(total);
    }
}
