package io.sluice.common.logging;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Wraps an SLF4J {@link Logger} so that each message format logs at most once per interval. The next line that
 * passes appends how many lines with the same format were suppressed since the last one.
 *
 * <p>Safe to call from any thread. The format string is the rate-limit key, so pass constant formats and put the
 * varying parts in the arguments; the logger keeps one small entry per distinct format.
 */
public final class RateLimitedLogger {

    private final Logger delegate;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** Rate-limit state of one format. Guarded by its own monitor. */
    private static final class Window {
        private boolean loggedOnce;
        private long lastLoggedNanos;
        private long suppressed;
    }

    public RateLimitedLogger(Logger delegate, Duration interval) {
        this(delegate, interval, System::nanoTime);
    }

    /**
     * @param nanoClock monotonic time in nanoseconds, {@code System::nanoTime} outside tests
     */
    public RateLimitedLogger(Logger delegate, Duration interval, LongSupplier nanoClock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative, got " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    public void error(String format, Object... args) {
        log(Level.ERROR, format, args);
    }

    public void warn(String format, Object... args) {
        log(Level.WARN, format, args);
    }

    public void info(String format, Object... args) {
        log(Level.INFO, format, args);
    }

    public Logger delegate() {
        return delegate;
    }

    private void log(Level level, String format, Object... args) {
        if (!delegate.isEnabledForLevel(level)) {
            return;
        }
        long suppressed = admit(format);
        if (suppressed < 0) {
            return;
        }
        if (suppressed == 0) {
            emit(level, format, args);
        } else {
            emit(level, format + " ({} similar lines suppressed since the last one)",
                    withSuppressedCount(args, suppressed));
        }
    }

    private void emit(Level level, String format, Object[] args) {
        switch (level) {
            case ERROR -> delegate.error(format, args);
            case WARN -> delegate.warn(format, args);
            default -> delegate.info(format, args);
        }
    }

    /** Returns -1 if this line is suppressed, otherwise the number suppressed since the last logged line. */
    private long admit(String format) {
        Window window = windows.computeIfAbsent(format, f -> new Window());
        long now = nanoClock.getAsLong();
        synchronized (window) {
            if (window.loggedOnce && now - window.lastLoggedNanos < intervalNanos) {
                window.suppressed++;
                return -1;
            }
            long suppressed = window.suppressed;
            window.loggedOnce = true;
            window.lastLoggedNanos = now;
            window.suppressed = 0;
            return suppressed;
        }
    }

    /** Inserts the count before a trailing throwable, so SLF4J still logs the throwable with its stack trace. */
    private static Object[] withSuppressedCount(Object[] args, long suppressed) {
        Object[] safeArgs = args == null ? new Object[0] : args;
        boolean throwableLast = safeArgs.length > 0 && safeArgs[safeArgs.length - 1] instanceof Throwable;
        Object[] out = Arrays.copyOf(safeArgs, safeArgs.length + 1);
        if (throwableLast) {
            out[safeArgs.length - 1] = suppressed;
            out[safeArgs.length] = safeArgs[safeArgs.length - 1];
        } else {
            out[safeArgs.length] = suppressed;
        }
        return out;
    }
}
