package io.sluice.cli.loadgen;

import java.util.function.LongSupplier;

/**
 * Token bucket that paces the load generator to a target rate in events per second.
 *
 * <p>Tokens refill continuously at {@code ratePerSecond} up to {@code burst}. A rate of 0 or less means
 * unlimited: every acquire succeeds. Thread safe, because all connections of one run share one bucket.
 */
public final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double ratePerSecond;
    private final double burst;
    private final LongSupplier nanoClock;

    // Guarded by this.
    private double tokens;
    private long lastRefillNanos;

    public TokenBucket(double ratePerSecond, double burst, LongSupplier nanoClock) {
        if (ratePerSecond > 0 && burst < 1) {
            throw new IllegalArgumentException("burst=" + burst + " is invalid: must be at least 1 token");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.lastRefillNanos = nanoClock.getAsLong();
    }

    /** Creates a bucket with a burst of 1/20 s of the rate (at least {@code minBurst}), on the system nano clock. */
    public static TokenBucket perSecond(double ratePerSecond, int minBurst) {
        double burst = Math.max(minBurst, ratePerSecond / 20);
        return new TokenBucket(ratePerSecond, burst, System::nanoTime);
    }

    public boolean isUnlimited() {
        return ratePerSecond <= 0;
    }

    /**
     * Takes {@code permits} tokens when at least one token is available, and returns whether it did. A request
     * for more tokens than the bucket has leaves it in debt, which later refills repay. So callers that take
     * large batches are not starved by callers that take small ones, and the average rate still holds.
     */
    public synchronized boolean tryAcquire(int permits) {
        if (isUnlimited()) {
            return true;
        }
        refill();
        if (tokens < 1) {
            return false;
        }
        tokens -= permits;
        return true;
    }

    /** Returns how long to wait, in nanoseconds, until {@link #tryAcquire(int)} can succeed (0 if it can now). */
    public synchronized long nanosUntilAvailable() {
        if (isUnlimited()) {
            return 0;
        }
        refill();
        double missing = 1 - tokens;
        if (missing <= 0) {
            return 0;
        }
        return (long) Math.ceil(missing * NANOS_PER_SECOND / ratePerSecond);
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsedNanos = now - lastRefillNanos;
        if (elapsedNanos <= 0) {
            return;
        }
        tokens = Math.min(burst, tokens + elapsedNanos * ratePerSecond / NANOS_PER_SECOND);
        lastRefillNanos = now;
    }
}
