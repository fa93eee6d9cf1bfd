package io.sluice.cli.bench;

import io.sluice.cli.report.PhaseSample;
import io.sluice.cli.report.PhaseSeries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Samples one benchmark phase about once per second: a running total (events acknowledged, rows written) and the
 * heap. The first sample, at 0 s, is taken on construction. Used from one thread.
 */
final class PhaseRecorder {

    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final String phase;
    private final String unit;
    private final LongSupplier total;
    private final LongSupplier nanoClock;
    private final LongSupplier heapUsedBytes;
    private final long startNanos;
    private final List<PhaseSample> samples = new ArrayList<>();
    private PhaseSample previous;
    private long previousNanos;

    PhaseRecorder(String phase, String unit, LongSupplier total, LongSupplier nanoClock, LongSupplier heapUsedBytes) {
        this.phase = phase;
        this.unit = unit;
        this.total = total;
        this.nanoClock = nanoClock;
        this.heapUsedBytes = heapUsedBytes;
        this.startNanos = nanoClock.getAsLong();
        this.previousNanos = startNanos;
        this.previous = new PhaseSample(0, total.getAsLong(), 0, heapUsedBytes.getAsLong());
        samples.add(previous);
    }

    /** Takes a sample when at least {@link #INTERVAL} passed since the last one. */
    void sampleIfDue() {
        if (nanoClock.getAsLong() - previousNanos >= INTERVAL.toNanos()) {
            sample();
        }
    }

    /** Takes a sample now, for example the last one when the phase ends. */
    void sample() {
        long now = nanoClock.getAsLong();
        double intervalSeconds = Math.max(1e-3, (now - previousNanos) / 1e9);
        long current = total.getAsLong();
        PhaseSample sample = new PhaseSample((now - startNanos) / 1e9, current,
                (current - previous.total()) / intervalSeconds, heapUsedBytes.getAsLong());
        samples.add(sample);
        previous = sample;
        previousNanos = now;
    }

    PhaseSeries series() {
        return new PhaseSeries(phase, unit, samples);
    }
}
