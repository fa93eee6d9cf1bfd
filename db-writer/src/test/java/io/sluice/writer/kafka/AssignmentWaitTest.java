package io.sluice.writer.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AssignmentWaitTest {
    private final AtomicLong nanos = new AtomicLong();
    private final AssignmentWait wait = new AssignmentWait(Duration.ofSeconds(10), nanos::get);

    @Test
    void logsOnceAfterLongWait() {
        wait.partitionsChanged(0);
        advanceSeconds(10);
        assertThat(wait.shouldLog()).isFalse();

        advanceSeconds(1);
        assertThat(wait.shouldLog()).isTrue();
        assertThat(wait.shouldLog()).isFalse();
        advanceSeconds(60);
        assertThat(wait.shouldLog()).isFalse();
    }

    @Test
    void ownedPartitionsResetTheWait() {
        wait.partitionsChanged(0);
        advanceSeconds(11);
        assertThat(wait.shouldLog()).isTrue();

        wait.partitionsChanged(3);
        advanceSeconds(30);
        assertThat(wait.shouldLog()).isFalse();
        wait.partitionsChanged(0);
        advanceSeconds(5);
        assertThat(wait.shouldLog()).isFalse();
        advanceSeconds(6);
        assertThat(wait.shouldLog()).isTrue();
    }

    @Test
    void secondEmptyRebalanceKeepsStart() {
        wait.partitionsChanged(0);
        advanceSeconds(8);
        wait.partitionsChanged(0);
        advanceSeconds(3);

        assertThat(wait.shouldLog()).isTrue();
    }

    @Test
    void neverSubscribedNeverLogs() {
        advanceSeconds(100);

        assertThat(wait.shouldLog()).isFalse();
    }

    private void advanceSeconds(long seconds) {
        nanos.addAndGet(Duration.ofSeconds(seconds).toNanos());
    }
}
