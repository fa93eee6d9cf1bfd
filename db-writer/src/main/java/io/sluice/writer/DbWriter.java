package io.sluice.writer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.common.admin.AdminServer;
import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.Settings;
import io.sluice.common.metrics.MetricsRegistries;
import io.sluice.common.config.ConfigException;
import io.sluice.writer.config.ExactlyOnceSettings;
import io.sluice.writer.config.WriterOptions;
import io.sluice.writer.jdbc.BatchWriter;
import io.sluice.writer.jdbc.OffsetStore;
import io.sluice.writer.jdbc.SchemaManager;
import io.sluice.writer.jdbc.WriterThread;
import io.sluice.writer.jdbc.WriterThreads;
import io.sluice.writer.kafka.PollLoop;
import io.sluice.writer.kafka.TopicCheck;
import io.sluice.writer.metrics.WriterMetrics;
import io.sluice.writer.queue.BatchQueue;
import io.sluice.writer.queue.WaterMarks;
import io.sluice.writer.rate.TokenBucket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The db-writer, which consumes Kafka topics as a consumer group into PostgreSQL exactly once. It stores offsets in
 * the same transaction as the rows and bounds its batch queue, whose water marks pause and resume the partitions.
 * Rejected records go to the dead-letter table, and an admin port serves metrics and health.
 */
public final class DbWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DbWriter.class);
    private static final String APPLICATION = "db-writer";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_MARGIN = Duration.ofSeconds(15);
    private static final Duration LAG_READ_MARGIN = Duration.ofSeconds(1);
    /** The consumer's default session.timeout.ms in Kafka 4.4, which the client exposes as no constant. */
    private static final long KAFKA_DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final WriterOptions options;
    private final PrometheusMeterRegistry registry;
    private final WriterMetrics metrics;
    private final HikariDataSource dataSource;
    private final KafkaClientMetrics consumerMetrics;
    private final PollLoop pollLoop;
    private final AdminServer admin;
    private final Thread pollThread;
    private final BatchQueue queue;
    private boolean closed;

    private DbWriter(WriterOptions options, PrometheusMeterRegistry registry, WriterMetrics metrics,
            HikariDataSource dataSource, Components components) {
        this.options = options;
        this.registry = registry;
        this.metrics = metrics;
        this.dataSource = dataSource;
        this.consumerMetrics = components.consumerMetrics;
        this.pollLoop = components.pollLoop;
        this.pollThread = components.pollThread;
        this.queue = components.queue;
        this.admin = startAdmin(options, registry);
    }

    private AdminServer startAdmin(WriterOptions options, PrometheusMeterRegistry registry) {
        try {
            return AdminServer.start(options.bindHost(), options.adminPort(), registry, this::isReady);
        } catch (RuntimeException e) {
            pollLoop.requestStop();
            awaitPollThread(options.shutdownTimeout().plus(STOP_MARGIN));
            consumerMetrics.close();
            throw e;
        }
    }

    /** The parts built after the pool, kept together so a failed start can close them. */
    private record Components(KafkaClientMetrics consumerMetrics, PollLoop pollLoop, Thread pollThread,
            BatchQueue queue) {
    }

    /**
     * Creates the schema when missing, starts the writer threads and the poll thread, and returns once the consumer
     * is polling.
     *
     * @throws io.sluice.common.config.ConfigException when settings conflict
     * @throws IllegalStateException when a topic of writer.topics does not exist, or PostgreSQL is unreachable, or
     *     the consumer cannot start
     */
    public static DbWriter start(Settings settings) {
        WriterOptions options = WriterOptions.from(settings);
        // Kafka's own checks of the final consumer config (types and combinations), before any connection.
        settings.validateKafkaClientConfig(ConfigDef.KAFKA_CONSUMER_PREFIX, consumerConfig(options));
        LOG.info("Starting db-writer: {}", options);
        requireTopics(options);
        PrometheusMeterRegistry registry = MetricsRegistries.create(APPLICATION);
        WriterMetrics metrics = new WriterMetrics(registry);
        HikariDataSource dataSource = null;
        try {
            dataSource = createPool(options, registry);
            createSchema(options, dataSource);
            Components components = startComponents(options, registry, metrics, dataSource);
            DbWriter writer = new DbWriter(options, registry, metrics, dataSource, components);
            writer.awaitPolling();
            return writer;
        } catch (RuntimeException e) {
            if (dataSource != null) {
                dataSource.close();
            }
            metrics.close();
            registry.close();
            throw e;
        }
    }

    private static void requireTopics(WriterOptions options) {
        Map<String, Object> adminConfig = new HashMap<>();
        consumerConfig(options).forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                adminConfig.put(key, value);
            }
        });
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-db-writer-topic-check");
        try (Admin kafkaAdmin = Admin.create(adminConfig)) {
            new TopicCheck(kafkaAdmin, System::nanoTime).requireTopics(options.topics(), options.topicsReadyTimeout(),
                    options.groupId());
        }
    }

    private static HikariDataSource createPool(WriterOptions options, PrometheusMeterRegistry registry) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("sluice-db-writer-" + INSTANCES.incrementAndGet());
        config.setJdbcUrl(options.jdbcUrl());
        config.setUsername(options.jdbcUser());
        config.setPassword(options.jdbcPassword());
        config.setMaximumPoolSize(options.poolSize());
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        // With reWriteBatchedInserts pgjdbc sends a batch as multi-row INSERTs, and executeBatch then returns
        // SUCCESS_NO_INFO instead of row counts.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot connect to PostgreSQL at " + options.maskedJdbcUrl() + " as user "
                    + options.jdbcUser() + ": " + e.getMessage() + "; check writer.jdbc.url, writer.jdbc.user and "
                    + "writer.jdbc.password", e);
        }
    }

    private static void createSchema(WriterOptions options, HikariDataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            new SchemaManager(options.tables()).createIfMissing(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the writer tables " + options.tables() + " (SQLState "
                    + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    private static Components startComponents(WriterOptions options, PrometheusMeterRegistry registry,
            WriterMetrics metrics, HikariDataSource dataSource) {
        Clock clock = Clock.systemUTC();
        BatchQueue queue = new BatchQueue(options.threads(), System::nanoTime);
        Map<String, Object> consumerConfig = consumerConfig(options);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        PollLoop pollLoop = new PollLoop(pollSettings(options, consumerConfig), consumer, queue,
                new OffsetStore(dataSource, options.tables()), metrics, clock, System::nanoTime);
        WriterThreads writers = startWriters(options, metrics, dataSource, queue, pollLoop, clock);
        pollLoop.writers(writers);
        WaterMarks marks = options.waterMarks();
        metrics.registerQueueGauges(queue::depthRecords, marks.capacityRecords(), queue::depthBytes,
                marks.capacityBytes());
        metrics.registerPartitionGauges(() -> pollLoop.isPaused() ? 1 : 0, pollLoop::assignedPartitions);
        Thread pollThread = new Thread(pollLoop, "sluice-writer-poll");
        pollThread.start();
        return new Components(consumerMetrics, pollLoop, pollThread, queue);
    }

    /**
     * Builds the poll loop's settings. A log end offset lookup on the poll thread waits behind the long-poll fetch
     * that the broker delays for up to {@code fetch.max.wait.ms} on the same connection, because a broker processes
     * the requests of one connection in order. Measured against the embedded 4.4.0 broker on a 2-core machine with
     * the poll loop's 100 ms polls: with the default of 500 ms, each of 39 lookups on an idle topic took 403 to
     * 537 ms. With 50 ms, the median was 12 ms. So the lookup timeout is that wait plus a margin.
     */
    private static PollLoop.Settings pollSettings(WriterOptions options, Map<String, Object> consumerConfig) {
        long fetchMaxWaitMs = longSetting(consumerConfig, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                ConsumerConfig.DEFAULT_FETCH_MAX_WAIT_MS);
        long sessionTimeoutMs = longSetting(consumerConfig, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                KAFKA_DEFAULT_SESSION_TIMEOUT_MS);
        return new PollLoop.Settings(options.groupId(), options.topics(), options.waterMarks(),
                options.shutdownTimeout(), Duration.ofMillis(fetchMaxWaitMs).plus(LAG_READ_MARGIN),
                Duration.ofMillis(sessionTimeoutMs));
    }

    private static long longSetting(Map<String, Object> config, String key, long defaultValue) {
        Object value = config.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("kafka.consumer." + key + "=" + value + " is not a number of milliseconds: "
                    + "set it to an integer such as " + defaultValue);
        }
    }

    private static WriterThreads startWriters(WriterOptions options, WriterMetrics metrics,
            HikariDataSource dataSource, BatchQueue queue, PollLoop pollLoop, Clock clock) {
        BatchWriter batchWriter = new BatchWriter(dataSource, options.tables(), clock);
        TokenBucket rateLimit = options.maxRowsPerSecond() > 0
                ? new TokenBucket(options.maxRowsPerSecond(), System::nanoTime) : null;
        WriterThread.Settings settings = new WriterThread.Settings(options.groupId(), options.batchMaxRows(),
                options.batchLinger(), options.retryBackoffInitial(), options.retryBackoffMax());
        WriterThreads writers = new WriterThreads(options.threads(), "sluice-writer",
                lane -> new WriterThread(lane, settings, queue, batchWriter, rateLimit, metrics, pollLoop));
        writers.start();
        return writers;
    }

    static Map<String, Object> consumerConfig(WriterOptions options) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-db-writer-" + INSTANCES.get());
        int fetchMaxBytes = fetchMaxBytes(options.waterMarks().capacityBytes());
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, fetchMaxBytes);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                Math.min(ConsumerConfig.DEFAULT_MAX_PARTITION_FETCH_BYTES, fetchMaxBytes));
        config.putAll(options.consumerConfig());
        // WriterOptions has rejected pass-through values that differ from these.
        config.putAll(ExactlyOnceSettings.forced(options.groupId()));
        return config;
    }

    /**
     * Returns the default {@code fetch.max.bytes}: an eighth of the queue's byte capacity, at most Kafka's default.
     * The poll loop pauses at the high water mark, and one poll adds about what one fetch response brought, so with
     * the default high water mark of 0.8 the queue stays below 0.8 + 1/8 of its byte capacity. NOTE: a fetch returns
     * a record batch larger than the limit whole, the limit counts compressed bytes, and a consumer buffers one
     * response per broker, so large batches, compression and many brokers can each push a poll past this bound.
     */
    static int fetchMaxBytes(long queueCapacityBytes) {
        return (int) Math.min(ConsumerConfig.DEFAULT_FETCH_MAX_BYTES, queueCapacityBytes / 8);
    }

    private void awaitPolling() {
        try {
            if (!pollLoop.awaitPolling(START_TIMEOUT) || !pollThread.isAlive()) {
                close();
                throw new IllegalStateException("Kafka consumer of group " + options.groupId() + " did not start "
                        + "polling within " + START_TIMEOUT.toSeconds() + " s; check kafka.bootstrap.servers");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while starting the db-writer", e);
        }
        LOG.info("db-writer of group {} polling {}; admin port {}", options.groupId(), options.topics(),
                admin.port());
    }

    /**
     * Returns whether the schema exists (always true once started), the pool has at least one open connection, the
     * consumer joined the group and the last batch transaction succeeded. Called on the admin event loop, so it
     * reads state and never opens a connection.
     */
    private boolean isReady() {
        if (dataSource.isClosed() || !dataSource.isRunning() || dataSource.getHikariPoolMXBean() == null) {
            return false;
        }
        return dataSource.getHikariPoolMXBean().getTotalConnections() > 0 && pollLoop.isReady();
    }

    public int adminPort() {
        return admin.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Rows committed to the events table by this writer since start. */
    public long rowsWritten() {
        return metrics.rowsWrittenTotal();
    }

    /** Returns whether the partitions are paused because the batch queue reached its high water mark. */
    public boolean isPaused() {
        return pollLoop.isPaused();
    }

    /** Returns the highest byte depth of the batch queue since start, for tests of the byte bound. */
    long peakQueueBytes() {
        return queue.peakDepthBytes();
    }

    /** Returns whether the poll thread still runs; false after {@link #close} or after a fatal consumer error. */
    public boolean isRunning() {
        return pollThread.isAlive();
    }

    /** Non-empty partition assignments, revocations and losses this writer has seen. */
    public long rebalanceEvents() {
        return pollLoop.rebalanceEvents();
    }

    /**
     * Stops polling, lets the writer threads finish the queued batches (bounded by {@code writer.shutdown.timeout}),
     * commits the written offsets to Kafka, leaves the group and closes the pool and the admin port.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pollLoop.requestStop();
        awaitPollThread(options.shutdownTimeout().plus(STOP_MARGIN));
        closeResources();
    }

    /**
     * Stops like a killed process: the pool closes first, aborting open transactions, and nothing is drained or
     * committed to Kafka. For tests of crash recovery.
     */
    synchronized void abandon() {
        if (closed) {
            return;
        }
        closed = true;
        dataSource.close();
        pollLoop.requestCrash();
        awaitPollThread(STOP_MARGIN);
        closeResources();
    }

    private void awaitPollThread(Duration timeout) {
        try {
            if (!pollLoop.awaitStopped(timeout)) {
                LOG.warn("Poll thread of group {} did not stop within {} ms", options.groupId(), timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeResources() {
        admin.close();
        consumerMetrics.close();
        dataSource.close();
        metrics.close();
        registry.close();
        LOG.info("db-writer of group {} stopped after writing {} rows", options.groupId(), rowsWritten());
    }
}
