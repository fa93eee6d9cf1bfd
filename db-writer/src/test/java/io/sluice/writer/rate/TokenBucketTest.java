package io.sluice.writer.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class TokenBucketTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000L);

    @Test
    void fullBucketAdmitsOneSecondAtOnce() {
        TokenBucket bucket = new TokenBucket(1_000, nanos::get);

        assertThat(bucket.reserve(1_000)).isZero();
    }

    @Test
    void debtMakesCallerWait() {
        TokenBucket bucket = new TokenBucket(1_000, nanos::get);
        bucket.reserve(1_000);

        long waitNanos = bucket.reserve(500);

        assertThat(waitNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    }

    @Test
    void tokensRefillWithTime() {
        TokenBucket bucket = new TokenBucket(1_000, nanos::get);
        bucket.reserve(1_000);

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));

        assertThat(bucket.reserve(250)).isZero();
        assertThat(bucket.reserve(1)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
    }

    @Test
    void bucketHoldsAtMostOneSecond() {
        TokenBucket bucket = new TokenBucket(100, nanos::get);

        nanos.addAndGet(TimeUnit.HOURS.toNanos(5));

        assertThat(bucket.reserve(100)).isZero();
        assertThat(bucket.reserve(100)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void longRunRateMatchesCap() {
        TokenBucket bucket = new TokenBucket(2_000, nanos::get);
        long start = nanos.get();
        for (int i = 0; i < 100; i++) {
            nanos.addAndGet(bucket.reserve(500));
        }
        double seconds = (nanos.get() - start) / 1e9;

        assertThat(100 * 500 / seconds).isBetween(2_000.0, 2_100.0);
    }

    @Test
    void rejectsZeroRate() {
        assertThatThrownBy(() -> new TokenBucket(0, nanos::get)).hasMessageContaining("got 0");
    }
}
