package io.sluice.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(10)
class RateLimitedLoggerTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger logger;
    private RateLimitedLogger limited;

    @BeforeEach
    void attachAppender() {
        logger = (Logger) LoggerFactory.getLogger("io.sluice.test.RateLimited");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        appender.start();
        logger.addAppender(appender);
        limited = new RateLimitedLogger(logger, Duration.ofSeconds(10), nanos::get);
    }

    @AfterEach
    void detachAppender() {
        logger.detachAppender(appender);
    }

    @Test
    void firstLineLogsThenSuppresses() {
        limited.warn("Send failed for {}", "a");
        limited.warn("Send failed for {}", "b");
        limited.warn("Send failed for {}", "c");

        assertThat(appender.list).hasSize(1);
        assertThat(appender.list.get(0).getFormattedMessage()).isEqualTo("Send failed for a");
        assertThat(appender.list.get(0).getLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void nextLineAfterIntervalCountsSuppressed() {
        limited.warn("Send failed for {}", "a");
        limited.warn("Send failed for {}", "b");
        limited.warn("Send failed for {}", "c");
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        limited.warn("Send failed for {}", "d");

        assertThat(appender.list).hasSize(2);
        assertThat(appender.list.get(1).getFormattedMessage())
                .isEqualTo("Send failed for d (2 similar lines suppressed since the last one)");
    }

    @Test
    void formatsLimitedSeparately() {
        limited.warn("first {}", 1);
        limited.info("second {}", 2);
        limited.error("third");

        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("first 1", "second 2", "third");
        assertThat(appender.list).extracting(ILoggingEvent::getLevel)
                .containsExactly(Level.WARN, Level.INFO, Level.ERROR);
    }

    @Test
    void throwableStaysAttached() {
        limited.warn("Write failed on {}", "p0", new IllegalStateException("boom"));
        limited.warn("Write failed on {}", "p1", new IllegalStateException("boom"));
        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        limited.warn("Write failed on {}", "p2", new IllegalStateException("again"));

        assertThat(appender.list).hasSize(2);
        ILoggingEvent last = appender.list.get(1);
        assertThat(last.getFormattedMessage())
                .isEqualTo("Write failed on p2 (1 similar lines suppressed since the last one)");
        assertThat(last.getThrowableProxy()).isNotNull();
        assertThat(last.getThrowableProxy().getMessage()).isEqualTo("again");
    }

    @Test
    void disabledLevelCountsNothing() {
        logger.setLevel(Level.ERROR);
        limited.warn("quiet {}", 1);
        logger.setLevel(Level.INFO);
        limited.warn("quiet {}", 2);

        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("quiet 2");
    }
}
