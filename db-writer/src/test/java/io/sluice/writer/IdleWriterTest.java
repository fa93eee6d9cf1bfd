package io.sluice.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.sluice.writer.WriterTestStack.Scope;
import io.sluice.writer.metrics.WriterMetrics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A healthy writer with nothing to write, against a real broker: it must report no errors. */
@Timeout(60)
class IdleWriterTest {
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
    void idleWriterCountsNoLagErrors() throws Exception {
        Scope scope = stack.newScope("idle", 3);
        stack.produce(scope.topic(), 3, 0, 30);

        try (DbWriter writer = DbWriter.start(stack.settings(scope, Map.of()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.rowsWritten() >= 30);
            Thread.sleep(15_000);

            assertThat(lagRefreshErrors(writer)).isZero();
            assertThat(writer.registry().find(WriterMetrics.LAG_RECORDS).gauges()).hasSize(3);
            assertThat(writer.registry().find(WriterMetrics.LAG_RECORDS).gauges())
                    .allSatisfy(gauge -> assertThat(gauge.value()).isZero());
        }
    }

    private static double lagRefreshErrors(DbWriter writer) {
        Counter counter = writer.registry().find(WriterMetrics.ERRORS)
                .tag("type", WriterMetrics.ERROR_LAG_REFRESH).counter();
        return counter == null ? 0 : counter.count();
    }
}
