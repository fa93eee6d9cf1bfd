package io.sluice.writer.config;

import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigKey;
import io.sluice.common.config.Settings;
import io.sluice.writer.jdbc.JdbcUrls;
import io.sluice.writer.jdbc.TableName;
import io.sluice.writer.queue.WriterRecord;
import java.time.Duration;
import java.util.List;

/** Every configuration key of the db-writer, each declared once. */
public final class WriterConfig {

    public static final ConfigKey<String> BIND_HOST = ConfigKey.string("writer.bind.host", "0.0.0.0",
            "Address the admin port binds to");
    public static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.integer("writer.admin.port", 8082,
            "TCP port of /metrics, /healthz and /readyz; 0 picks a free port").range(0, 65535);
    public static final ConfigKey<List<String>> TOPICS = ConfigKey.list("writer.topics", List.of("events"),
            "Kafka topics to consume").validate(list -> !list.isEmpty(), "must name at least one topic");
    public static final ConfigKey<Duration> TOPICS_READY_TIMEOUT = ConfigKey.duration("writer.topics.ready.timeout",
            Duration.ofMinutes(1), "Maximum wait at start for every topic in writer.topics to exist in Kafka")
            .range(Duration.ofSeconds(1), Duration.ofHours(1));
    public static final ConfigKey<String> GROUP_ID = ConfigKey.string("writer.group.id", "sluice-db-writer",
            "Kafka consumer group shared by all writers").validate(id -> !id.isBlank(), "must not be blank");
    public static final ConfigKey<Integer> THREADS = ConfigKey.integer("writer.threads", 2,
            "Writer threads, each with its own lane of the batch queue and its own database connection")
            .range(1, 256);
    public static final ConfigKey<Integer> BATCH_MAX_ROWS = ConfigKey.integer("writer.batch.max.rows", 1000,
            "Maximum rows per batch transaction").range(1, 30_000);
    public static final ConfigKey<Duration> BATCH_LINGER = ConfigKey.duration("writer.batch.linger",
            Duration.ofMillis(50), "How long a writer thread waits for a batch to fill before writing it")
            .range(Duration.ZERO, Duration.ofMinutes(1));
    public static final ConfigKey<Integer> QUEUE_CAPACITY = ConfigKey.integer("writer.queue.capacity", 20_000,
            "Batch queue capacity in records; a soft cap that one poll (max.poll.records) may exceed")
            .range(1, 10_000_000);
    public static final ConfigKey<Long> QUEUE_CAPACITY_BYTES = ConfigKey.bytes("writer.queue.capacity.bytes",
            64L << 20, "Batch queue capacity in bytes of record keys and values plus " + WriterRecord.OVERHEAD_BYTES
                    + " bytes per record; a soft cap that one poll (fetch.max.bytes) may exceed")
            .range(1L << 20, 1L << 40);
    public static final ConfigKey<String> QUEUE_HIGH_WATER_MARK = fraction("writer.queue.high.water.mark", "0.8",
            "Fraction of the queue capacities in records and in bytes; reaching either pauses all partitions")
            .validate(value -> isFraction(value) && fractionOf(value) > 0, "must be greater than 0");
    public static final ConfigKey<String> QUEUE_LOW_WATER_MARK = fraction("writer.queue.low.water.mark", "0.5",
            "Fraction of the queue capacities, below the high water mark; paused partitions resume once both the "
                    + "records and the bytes are at or below it");
    public static final ConfigKey<Long> MAX_ROWS_PER_SECOND = ConfigKey.longKey("writer.max.rows.per.second", 0L,
            "Throttle for demos and tests: rows written per second across all threads; 0 means unlimited")
            .atLeast(0L);
    public static final ConfigKey<String> JDBC_URL = ConfigKey.string("writer.jdbc.url",
            "jdbc:postgresql://localhost:5432/sluice", "JDBC URL of the PostgreSQL database")
            .validate(url -> url.startsWith("jdbc:postgresql:"), "must start with jdbc:postgresql:");
    public static final ConfigKey<String> JDBC_USER = ConfigKey.string("writer.jdbc.user", "sluice",
            "Database user");
    public static final ConfigKey<String> JDBC_PASSWORD = ConfigKey.string("writer.jdbc.password", "",
            "Database password").secret();
    public static final ConfigKey<Integer> JDBC_POOL_SIZE = ConfigKey.integer("writer.jdbc.pool.size", 0,
            "Connection pool size; 0 means writer.threads + 1, and any other value must be at least that")
            .range(0, 1000);
    public static final ConfigKey<String> TABLE_EVENTS = table("writer.table.events", "sluice_events",
            "Table of written events");
    public static final ConfigKey<String> TABLE_OFFSETS = table("writer.table.offsets", "sluice_offsets",
            "Table of the next offset per partition, written in the same transaction as the events");
    public static final ConfigKey<String> TABLE_DEAD_LETTERS = table("writer.table.dead.letters",
            "sluice_dead_letters", "Table of records PostgreSQL rejected, with the reason");
    public static final ConfigKey<Duration> RETRY_BACKOFF_INITIAL = ConfigKey.duration("writer.retry.backoff.initial",
            Duration.ofMillis(200), "First wait before retrying a failed batch transaction; doubles per retry")
            .range(Duration.ofMillis(1), Duration.ofMinutes(10));
    public static final ConfigKey<Duration> RETRY_BACKOFF_MAX = ConfigKey.duration("writer.retry.backoff.max",
            Duration.ofSeconds(10), "Longest wait between retries of a failed batch transaction")
            .range(Duration.ofMillis(1), Duration.ofHours(1));
    public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT = ConfigKey.duration("writer.shutdown.timeout",
            Duration.ofSeconds(30), "How long a graceful shutdown waits for queued batches to be written")
            .range(Duration.ZERO, Duration.ofHours(1));
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.string(ConfigDef.KAFKA_BOOTSTRAP_SERVERS,
            "localhost:9092", "Kafka bootstrap servers, host:port[,host:port...]");

    public static final ConfigDef DEFINITION = ConfigDef.of(BIND_HOST, ADMIN_PORT, TOPICS, TOPICS_READY_TIMEOUT,
            GROUP_ID, THREADS, BATCH_MAX_ROWS, BATCH_LINGER, QUEUE_CAPACITY, QUEUE_CAPACITY_BYTES,
            QUEUE_HIGH_WATER_MARK, QUEUE_LOW_WATER_MARK, MAX_ROWS_PER_SECOND, JDBC_URL, JDBC_USER, JDBC_PASSWORD,
            JDBC_POOL_SIZE, TABLE_EVENTS, TABLE_OFFSETS, TABLE_DEAD_LETTERS, RETRY_BACKOFF_INITIAL, RETRY_BACKOFF_MAX,
            SHUTDOWN_TIMEOUT, BOOTSTRAP_SERVERS)
            .withPassThroughPrefixes(ConfigDef.KAFKA_CONSUMER_PREFIX, ConfigDef.KAFKA_COMMON_PREFIX);

    private WriterConfig() {
    }

    /**
     * Describes every effective value with its source, one per line, like {@link Settings#describe()}, and also masks
     * the password parameters inside {@link #JDBC_URL}, which is not a secret key as a whole.
     */
    public static String describe(Settings settings) {
        StringBuilder out = new StringBuilder();
        for (Settings.Entry entry : settings.entries()) {
            String value = entry.value();
            if (entry.key().equals(JDBC_URL.name())) {
                value = JdbcUrls.maskPasswords(value);
            }
            out.append(entry.key()).append('=').append(value).append(" (").append(entry.source()).append(")\n");
        }
        return out.toString();
    }

    /**
     * Declares a fraction in [0, 1]. NOTE: it is a string key because ConfigKey has no floating-point type, so read it
     * with {@link #fractionOf}.
     */
    private static ConfigKey<String> fraction(String name, String defaultValue, String doc) {
        return ConfigKey.string(name, defaultValue, doc)
                .validate(WriterConfig::isFraction, "must be a number from 0 to 1");
    }

    private static ConfigKey<String> table(String name, String defaultValue, String doc) {
        return ConfigKey.string(name, defaultValue, doc + "; table or schema.table, quoted as written")
                .validate(TableName::isValid, "must be a SQL identifier (letters, digits, '_', '$'), "
                        + "optionally schema-qualified");
    }

    /** Parses a value of a fraction key, which the key's validation has already checked. */
    public static double fractionOf(String value) {
        return Double.parseDouble(value.trim());
    }

    private static boolean isFraction(String value) {
        try {
            double fraction = fractionOf(value);
            return fraction >= 0 && fraction <= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
