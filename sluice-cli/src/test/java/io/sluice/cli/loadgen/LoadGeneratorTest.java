package io.sluice.cli.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LoadGeneratorTest {

    private final PaymentEventGenerator generator = new PaymentEventGenerator(7, 0, Clock.systemUTC());

    @Test
    void tcpConnectionsAreAcknowledgedBySummary() throws Exception {
        try (FakeGateway gateway = new FakeGateway(false);
             LoadGenerator load = LoadGenerator.start(plan(gateway, 3, 0, 5_000, 0), generator)) {
            load.completion().get(20, TimeUnit.SECONDS);

            assertThat(gateway.linesReceived()).isEqualTo(5_000);
            assertThat(load.stats().sentEvents()).isEqualTo(5_000);
            assertThat(load.stats().acknowledgedEvents()).isEqualTo(5_000);
            assertThat(load.stats().ackTracker().snapshot().cardinality()).isEqualTo(5_000);
            assertThat(load.stats().unconfirmedEvents()).isZero();
        }
    }

    @Test
    void httpOkAcknowledgesEveryLine() throws Exception {
        try (FakeGateway gateway = new FakeGateway(false);
             LoadGenerator load = LoadGenerator.start(plan(gateway, 0, 2, 4_000, 0), generator)) {
            load.completion().get(20, TimeUnit.SECONDS);

            assertThat(gateway.linesReceived()).isEqualTo(4_000);
            assertThat(load.stats().acknowledgedEvents()).isEqualTo(4_000);
            assertThat(load.stats().responsesByStatus()).containsEntry(200, 40L);
            assertThat(load.stats().requestLatencyMicros().getTotalCount()).isEqualTo(40);
        }
    }

    @Test
    void httpRejectedLinesAreNotAcknowledged() throws Exception {
        try (FakeGateway gateway = new FakeGateway(true);
             LoadGenerator load = LoadGenerator.start(plan(gateway, 0, 1, 1_000, 0), generator)) {
            load.completion().get(20, TimeUnit.SECONDS);

            BitSet acknowledged = load.stats().ackTracker().snapshot();
            assertThat(load.stats().rejectedEvents()).isEqualTo(10);
            assertThat(load.stats().acknowledgedEvents()).isEqualTo(990);
            assertThat(acknowledged.get(0)).isTrue();
            assertThat(acknowledged.get(1)).isFalse();
            assertThat(acknowledged.cardinality()).isEqualTo(990);
        }
    }

    @Test
    void rateLimitSlowsTheRun() throws Exception {
        try (FakeGateway gateway = new FakeGateway(false);
             LoadGenerator load = LoadGenerator.start(plan(gateway, 1, 1, 3_000, 5_000), generator)) {
            load.completion().get(20, TimeUnit.SECONDS);

            // 3000 events at 5000/s take about 0.6 s minus the initial burst of 250.
            assertThat(load.elapsed()).isGreaterThan(Duration.ofMillis(450));
            assertThat(load.stats().acknowledgedEvents()).isEqualTo(3_000);
        }
    }

    private static LoadPlan plan(FakeGateway gateway, int tcp, int http, long events, double rate) {
        return new LoadPlan("127.0.0.1", gateway.tcpPort(), tcp, gateway.httpPort(), http, "events", events,
                Duration.ofSeconds(20), rate, 100);
    }
}
