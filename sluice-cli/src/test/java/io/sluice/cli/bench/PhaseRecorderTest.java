package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.report.PhaseSample;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PhaseRecorderTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final AtomicLong total = new AtomicLong();
    private final PhaseRecorder recorder = new PhaseRecorder("writer", "rows/s", total::get, nanos::get, () -> 42);

    @Test
    void ratePerSecondBetweenSamples() {
        advance(1_000_000_000L, 3000);
        recorder.sample();
        advance(500_000_000L, 1000);
        recorder.sample();

        List<PhaseSample> samples = recorder.series().samples();
        assertThat(samples).hasSize(3);
        assertThat(samples.get(0).elapsedSeconds()).isZero();
        assertThat(samples.get(1).perSecond()).isEqualTo(3000.0);
        assertThat(samples.get(2).elapsedSeconds()).isEqualTo(1.5);
        assertThat(samples.get(2).perSecond()).isEqualTo(2000.0);
        assertThat(samples.get(2).total()).isEqualTo(4000);
        assertThat(samples.get(2).heapUsedBytes()).isEqualTo(42);
    }

    @Test
    void sampleIfDueWaitsForInterval() {
        advance(999_000_000L, 10);
        recorder.sampleIfDue();
        assertThat(recorder.series().samples()).hasSize(1);

        advance(1_000_000L, 0);
        recorder.sampleIfDue();
        assertThat(recorder.series().samples()).hasSize(2);
    }

    private void advance(long byNanos, long events) {
        nanos.addAndGet(byNanos);
        total.addAndGet(events);
    }
}
