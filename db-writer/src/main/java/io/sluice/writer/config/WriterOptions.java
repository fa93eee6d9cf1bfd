package io.sluice.writer.config;

import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.Settings;
import io.sluice.writer.jdbc.JdbcUrls;
import io.sluice.writer.jdbc.WriterTables;
import io.sluice.writer.queue.WaterMarks;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The writer's settings as typed values, checked together once at start. */
public record WriterOptions(
        String bindHost,
        int adminPort,
        List<String> topics,
        Duration topicsReadyTimeout,
        String groupId,
        int threads,
        int batchMaxRows,
        Duration batchLinger,
        WaterMarks waterMarks,
        long maxRowsPerSecond,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        int poolSize,
        WriterTables tables,
        Duration retryBackoffInitial,
        Duration retryBackoffMax,
        Duration shutdownTimeout,
        Map<String, Object> consumerConfig) {

    /**
     * Reads and cross-checks {@code settings}.
     *
     * @throws ConfigException naming the keys when values conflict
     */
    public static WriterOptions from(Settings settings) {
        ExactlyOnceSettings.rejectConflicts(settings);
        int threads = settings.get(WriterConfig.THREADS);
        return new WriterOptions(
                settings.get(WriterConfig.BIND_HOST),
                settings.get(WriterConfig.ADMIN_PORT),
                settings.get(WriterConfig.TOPICS),
                settings.get(WriterConfig.TOPICS_READY_TIMEOUT),
                settings.get(WriterConfig.GROUP_ID),
                threads,
                settings.get(WriterConfig.BATCH_MAX_ROWS),
                settings.get(WriterConfig.BATCH_LINGER),
                waterMarks(settings),
                settings.get(WriterConfig.MAX_ROWS_PER_SECOND),
                settings.get(WriterConfig.JDBC_URL),
                settings.get(WriterConfig.JDBC_USER),
                settings.get(WriterConfig.JDBC_PASSWORD),
                poolSize(settings, threads),
                WriterTables.of(settings.get(WriterConfig.TABLE_EVENTS), settings.get(WriterConfig.TABLE_OFFSETS),
                        settings.get(WriterConfig.TABLE_DEAD_LETTERS)),
                settings.get(WriterConfig.RETRY_BACKOFF_INITIAL),
                backoffMax(settings),
                settings.get(WriterConfig.SHUTDOWN_TIMEOUT),
                settings.passThrough(ConfigDef.KAFKA_CONSUMER_PREFIX));
    }

    private static WaterMarks waterMarks(Settings settings) {
        String high = settings.get(WriterConfig.QUEUE_HIGH_WATER_MARK);
        String low = settings.get(WriterConfig.QUEUE_LOW_WATER_MARK);
        try {
            return WaterMarks.ofFractions(settings.get(WriterConfig.QUEUE_CAPACITY),
                    settings.get(WriterConfig.QUEUE_CAPACITY_BYTES), WriterConfig.fractionOf(high),
                    WriterConfig.fractionOf(low));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(WriterConfig.QUEUE_LOW_WATER_MARK.name() + "=" + low + " and "
                    + WriterConfig.QUEUE_HIGH_WATER_MARK.name() + "=" + high + " conflict: " + e.getMessage());
        }
    }

    private static int poolSize(Settings settings, int threads) {
        int configured = settings.get(WriterConfig.JDBC_POOL_SIZE);
        if (configured == 0) {
            return threads + 1;
        }
        if (configured < threads + 1) {
            throw new ConfigException(WriterConfig.JDBC_POOL_SIZE.name() + "=" + configured + " is too small for "
                    + WriterConfig.THREADS.name() + "=" + threads + ": set it to at least " + (threads + 1)
                    + " (one connection per writer thread plus one for the poll thread), or 0");
        }
        return configured;
    }

    private static Duration backoffMax(Settings settings) {
        Duration initial = settings.get(WriterConfig.RETRY_BACKOFF_INITIAL);
        Duration max = settings.get(WriterConfig.RETRY_BACKOFF_MAX);
        if (max.compareTo(initial) < 0) {
            throw new ConfigException(WriterConfig.RETRY_BACKOFF_MAX.name() + "=" + max + " is below "
                    + WriterConfig.RETRY_BACKOFF_INITIAL.name() + "=" + initial + ". Raise the maximum");
        }
        return max;
    }

    /** Returns {@link #jdbcUrl} with its password parameters masked, for logs and error messages. */
    public String maskedJdbcUrl() {
        return JdbcUrls.maskPasswords(jdbcUrl);
    }

    /** Describes the options without the password, and with the password parameters of the JDBC URL masked. */
    @Override
    public String toString() {
        return "WriterOptions[group=" + groupId + ", topics=" + topics + ", threads=" + threads + ", batchMaxRows="
                + batchMaxRows + ", batchLinger=" + batchLinger + ", waterMarks=" + waterMarks + ", maxRowsPerSecond="
                + maxRowsPerSecond + ", jdbcUrl=" + maskedJdbcUrl() + ", jdbcUser=" + jdbcUser + ", poolSize="
                + poolSize + ", tables=" + tables + "]";
    }
}
