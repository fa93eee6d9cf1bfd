package io.sluice.writer.rate;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Caps rows written per second across all writer threads, a throttle for demos and tests that makes the writer the
 * visible bottleneck. The bucket contains at most one second of tokens. A batch takes its tokens at once and the
 * balance may go negative. The caller then waits until the balance is back to zero, so the long-run rate matches the
 * cap.
 *
 * <p>Thread safe.
 */
public final class TokenBucket {
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final long rowsPerSecond;
    private final LongSupplier nanoClock;
    /** Tokens available, in rows times NANOS_PER_SECOND so refill needs no rounding. Negative means debt. */
    private long scaledTokens;
    private long lastRefillNanos;

    /**
     * @param rowsPerSecond the cap, at least 1
     * @param nanoClock a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests
     */
    public TokenBucket(long rowsPerSecond, LongSupplier nanoClock) {
        if (rowsPerSecond < 1) {
            throw new IllegalArgumentException("Rows per second must be at least 1, got " + rowsPerSecond);
        }
        this.rowsPerSecond = rowsPerSecond;
        this.nanoClock = nanoClock;
        this.lastRefillNanos = nanoClock.getAsLong();
        this.scaledTokens = rowsPerSecond * NANOS_PER_SECOND;
    }

    /**
     * Takes {@code rows} tokens and returns how long the caller must wait before writing them, in nanoseconds
     * (0 when the bucket held enough tokens).
     */
    public synchronized long reserve(int rows) {
        refill();
        scaledTokens -= rows * NANOS_PER_SECOND;
        return scaledTokens >= 0 ? 0 : -scaledTokens / rowsPerSecond;
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long maxScaled = rowsPerSecond * NANOS_PER_SECOND;
        // Bound the elapsed time by what fills the bucket, so the product below cannot overflow.
        long elapsed = Math.min(now - lastRefillNanos, (maxScaled - scaledTokens) / rowsPerSecond + 1);
        lastRefillNanos = now;
        scaledTokens = Math.min(maxScaled, scaledTokens + elapsed * rowsPerSecond);
    }

    /** Takes {@code rows} tokens and sleeps until they may be written. */
    public void acquire(int rows) throws InterruptedException {
        long waitNanos = reserve(rows);
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }
}
