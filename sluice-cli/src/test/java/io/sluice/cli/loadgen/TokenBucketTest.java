package io.sluice.cli.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TokenBucketTest {

    private final AtomicLong nanos = new AtomicLong(1_000);

    @Test
    void burstIsAvailableAtStart() {
        TokenBucket bucket = new TokenBucket(1000, 100, nanos::get);

        assertThat(bucket.tryAcquire(100)).isTrue();
        assertThat(bucket.tryAcquire(1)).isFalse();
    }

    @Test
    void refillsAtRateOverInjectedTime() {
        TokenBucket bucket = new TokenBucket(1000, 100, nanos::get);
        bucket.tryAcquire(100);

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));

        assertThat(bucket.tryAcquire(10)).isTrue();
        assertThat(bucket.tryAcquire(1)).isFalse();
    }

    @Test
    void refillStopsAtBurst() {
        TokenBucket bucket = new TokenBucket(1000, 100, nanos::get);
        bucket.tryAcquire(100);

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));

        assertThat(bucket.tryAcquire(100)).isTrue();
        assertThat(bucket.tryAcquire(1)).isFalse();
    }

    @Test
    void waitTimeCoversDebt() {
        TokenBucket bucket = new TokenBucket(1000, 100, nanos::get);
        bucket.tryAcquire(150);

        // 50 tokens of debt plus the one token a claim needs, at 1000 tokens/s.
        assertThat(bucket.nanosUntilAvailable()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(51));
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(51));
        assertThat(bucket.nanosUntilAvailable()).isZero();
    }

    @Test
    void smallClaimsDoNotStarveLargeOnes() {
        TokenBucket bucket = new TokenBucket(1000, 100, nanos::get);
        bucket.tryAcquire(100);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));

        assertThat(bucket.tryAcquire(500)).isTrue();
    }

    @Test
    void requestAboveBurstLeavesDebt() {
        TokenBucket bucket = new TokenBucket(1000, 100, nanos::get);

        assertThat(bucket.tryAcquire(300)).isTrue();
        assertThat(bucket.tryAcquire(1)).isFalse();
        // 300 taken from 100: 200 tokens of debt, repaid after 200 ms at 1000/s.
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(150));
        assertThat(bucket.tryAcquire(1)).isFalse();
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(51));
        assertThat(bucket.tryAcquire(1)).isTrue();
    }

    @Test
    void longRunRateMatchesTarget() {
        TokenBucket bucket = new TokenBucket(5000, 50, nanos::get);
        long acquired = 0;
        for (int step = 0; step < 10_000; step++) {
            while (bucket.tryAcquire(10)) {
                acquired += 10;
            }
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        }
        // 10 s at 5000/s plus the initial burst of 50.
        assertThat(acquired).isBetween(49_990L, 50_070L);
    }

    @Test
    void zeroRateIsUnlimited() {
        TokenBucket bucket = new TokenBucket(0, 0, nanos::get);

        assertThat(bucket.isUnlimited()).isTrue();
        assertThat(bucket.tryAcquire(1_000_000)).isTrue();
        assertThat(bucket.nanosUntilAvailable()).isZero();
    }

    @Test
    void burstBelowOneIsRejected() {
        assertThatThrownBy(() -> new TokenBucket(100, 0.5, nanos::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("burst=0.5");
    }
}
