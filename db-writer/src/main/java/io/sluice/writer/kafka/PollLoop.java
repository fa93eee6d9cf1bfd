package io.sluice.writer.kafka;

import io.sluice.common.logging.RateLimitedLogger;
import io.sluice.writer.jdbc.BatchCallbacks;
import io.sluice.writer.jdbc.BatchResult;
import io.sluice.writer.jdbc.OffsetStore;
import io.sluice.writer.jdbc.WriterThreads;
import io.sluice.writer.metrics.WriterMetrics;
import io.sluice.writer.queue.Batch;
import io.sluice.writer.queue.BatchQueue;
import io.sluice.writer.queue.WaterMarks;
import io.sluice.writer.queue.WriterRecord;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread, the only thread that touches the Kafka consumer. It feeds the batch queue, pauses all assigned
 * partitions at the queue's high water mark and resumes them at the low water mark. It seeks partitions to the
 * offsets stored in PostgreSQL, and commits written offsets to Kafka after the database commit so lag tools see
 * progress.
 *
 * <p>While paused it keeps calling {@code poll()}, which returns nothing for paused partitions but keeps the consumer
 * in the group however long the database is slow.
 *
 * <p>Thread safety: fields marked "poll thread" are touched only by the poll thread (the rebalance listener runs on
 * it too, inside {@code poll()}). Writer threads reach this class only through {@link BatchCallbacks}, which uses
 * the concurrent fields.
 */
public final class PollLoop implements Runnable, BatchCallbacks {
    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
    private static final RateLimitedLogger RATE_LIMITED_LOG = new RateLimitedLogger(LOG, Duration.ofSeconds(10));
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** Shorter while paused, so resuming at the low water mark waits less. */
    private static final Duration PAUSED_POLL_TIMEOUT = Duration.ofMillis(20);
    private static final Duration LAG_REFRESH_INTERVAL = Duration.ofSeconds(2);
    /** Failed lag reads count as errors only once they have failed without a success for this long. */
    private static final Duration LAG_READ_FAILURE_GRACE = Duration.ofSeconds(30);
    private static final Duration LAG_READ_DEBUG_LOG_INTERVAL = Duration.ofSeconds(10);
    private static final Duration OFFSET_LOAD_RETRY_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_REVOKE_WAIT = Duration.ofSeconds(10);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Settings of the poll loop.
     *
     * @param lagReadTimeout bound on a log end offset or position lookup on the poll thread. Keep it above the
     *     consumer's {@code fetch.max.wait.ms}, because the broker processes the lookup only after the long-poll
     *     fetch that waits on the same connection
     * @param sessionTimeout the consumer's {@code session.timeout.ms}, named in the log while no partitions arrive
     */
    public record Settings(String groupId, List<String> topics, WaterMarks waterMarks, Duration shutdownTimeout,
            Duration lagReadTimeout, Duration sessionTimeout) {
    }

    private final Settings settings;
    private final Consumer<byte[], byte[]> consumer;
    private final BatchQueue queue;
    private final OffsetStore offsetStore;
    private final WriterMetrics metrics;
    private final Clock clock;
    private final LongSupplier nanoClock;
    private WriterThreads writers;

    private final Map<TopicPartition, PartitionLag> assigned = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> pendingCommits = new ConcurrentHashMap<>();
    private final Queue<BatchResult.Stale> seekRequests = new ConcurrentLinkedQueue<>();
    private final CountDownLatch polling = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong rebalanceEvents = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean crashed;
    private volatile boolean closing;
    private volatile boolean paused;
    private volatile boolean joined;
    private volatile boolean databaseAvailable = true;

    /** Partitions whose stored offset could not be read yet, kept paused until it is. Poll thread. */
    private final Set<TopicPartition> unpositioned = new HashSet<>();
    private long pauseAccountedNanos;
    private long lastLagRefreshNanos;
    private long lastOffsetLoadNanos;
    /** Start of the current run of failed lag reads, or -1 after a success. Poll thread. */
    private long lagReadFailingSinceNanos = -1;
    private long lastLagReadDebugLogNanos;
    private final AssignmentWait assignmentWait;

    public PollLoop(Settings settings, Consumer<byte[], byte[]> consumer, BatchQueue queue, OffsetStore offsetStore,
            WriterMetrics metrics, Clock clock, LongSupplier nanoClock) {
        this.settings = settings;
        this.consumer = consumer;
        this.queue = queue;
        this.offsetStore = offsetStore;
        this.metrics = metrics;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.lastLagRefreshNanos = nanoClock.getAsLong();
        this.assignmentWait = new AssignmentWait(AssignmentWait.DEFAULT_LOG_AFTER, nanoClock);
    }

    /** Sets the writer threads the shutdown drains. Called once before {@link #run}. */
    public void writers(WriterThreads writers) {
        this.writers = writers;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(settings.topics(), new RebalanceHandler(this));
            LOG.info("Group {} subscribed to {}", settings.groupId(), settings.topics());
            assignmentWait.partitionsChanged(0);
            polling.countDown();
            while (running) {
                pollOnce();
            }
        } catch (WakeupException e) {
            LOG.debug("Poll loop of group {} woken up to stop", settings.groupId());
        } catch (RuntimeException e) {
            metrics.error(WriterMetrics.ERROR_UNEXPECTED);
            LOG.error("Poll loop of group {} failed; stopping the writer", settings.groupId(), e);
        } finally {
            polling.countDown();
            try {
                if (crashed) {
                    abandon();
                } else {
                    shutdown();
                }
            } finally {
                stopped.countDown();
            }
        }
    }

    private void pollOnce() {
        applySeekRequests();
        retryOffsetLoad();
        updatePause();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(paused ? PAUSED_POLL_TIMEOUT : POLL_TIMEOUT);
        // Records a poll returned are always accepted, even above the high water marks. The capacities are soft
        // caps: pausing stops further fetches, so a depth exceeds its high water mark by at most one poll, which
        // max.poll.records bounds in records and fetch.max.bytes roughly in bytes.
        queue.addAll(toWriterRecords(records));
        updatePause();
        commitWrittenAsync();
        refreshLagIfDue();
        logIfWaitingForPartitions();
    }

    private void logIfWaitingForPartitions() {
        if (assignmentWait.shouldLog()) {
            LOG.info("Group {} has had no partitions of {} for {} s; waiting for partitions. A previous member of "
                    + "group {} may still hold them until its session times out after session.timeout.ms={} ms, or "
                    + "the group has more members than the topics have partitions", settings.groupId(),
                    settings.topics(), assignmentWait.logAfter().toSeconds(), settings.groupId(),
                    settings.sessionTimeout().toMillis());
        }
    }

    private static List<WriterRecord> toWriterRecords(ConsumerRecords<byte[], byte[]> records) {
        List<WriterRecord> converted = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            byte[] value = record.value() == null ? new byte[0] : record.value();
            converted.add(new WriterRecord(partition, record.offset(), record.key(), value, record.timestamp()));
        }
        return converted;
    }

    // ---- Backpressure ----

    private void updatePause() {
        long now = nanoClock.getAsLong();
        if (paused) {
            metrics.pausedFor(Duration.ofNanos(now - pauseAccountedNanos));
            pauseAccountedNanos = now;
        }
        int depthRecords = queue.depthRecords();
        long depthBytes = queue.depthBytes();
        if (!paused && settings.waterMarks().shouldPause(depthRecords, depthBytes)) {
            pauseAll(depthRecords, depthBytes);
        } else if (paused && running && settings.waterMarks().shouldResume(depthRecords, depthBytes)) {
            resumeAll(depthRecords, depthBytes);
        }
    }

    private void pauseAll(int depthRecords, long depthBytes) {
        consumer.pause(consumer.assignment());
        paused = true;
        pauseAccountedNanos = nanoClock.getAsLong();
        metrics.paused();
        WaterMarks marks = settings.waterMarks();
        RATE_LIMITED_LOG.info("Group {} paused partitions {}: batch queue holds {} records and {} bytes, high water "
                + "marks {} records and {} bytes", settings.groupId(), consumer.assignment(), depthRecords, depthBytes,
                marks.highRecords(), marks.highBytes());
    }

    private void resumeAll(int depthRecords, long depthBytes) {
        Set<TopicPartition> resumable = new HashSet<>(consumer.assignment());
        resumable.removeAll(unpositioned);
        consumer.resume(resumable);
        paused = false;
        WaterMarks marks = settings.waterMarks();
        LOG.debug("Group {} resumed partitions {}: batch queue holds {} records and {} bytes, low water marks {} "
                + "records and {} bytes", settings.groupId(), resumable, depthRecords, depthBytes, marks.lowRecords(),
                marks.lowBytes());
    }

    // ---- Offsets ----

    /**
     * Seeks partitions whose batch was stale to the offset stored in PostgreSQL. NOTE: a stored offset that retention
     * has already deleted from Kafka makes the consumer reset to the earliest offset, so every batch stays stale and
     * the partition makes no progress until an operator fixes the offsets table.
     */
    private void applySeekRequests() {
        BatchResult.Stale stale;
        while ((stale = seekRequests.poll()) != null) {
            TopicPartition partition = stale.batch().partition();
            if (consumer.assignment().contains(partition) && !unpositioned.contains(partition)) {
                consumer.seek(partition, stale.storedOffset());
                PartitionLag lag = assigned.get(partition);
                if (lag != null) {
                    lag.storedNextOffset(stale.storedOffset());
                }
                LOG.info("Group {} sought partition {} to stored offset {} after a stale batch", settings.groupId(),
                        partition, stale.storedOffset());
            }
            queue.releaseHold(partition);
        }
    }

    /** Seeks {@code partitions} to their stored offsets, or keeps them paused for {@link #retryOffsetLoad}. */
    private void positionFromStore(Collection<TopicPartition> partitions) {
        lastOffsetLoadNanos = nanoClock.getAsLong();
        try {
            Map<TopicPartition, Long> stored = offsetStore.load(partitions);
            stored.forEach(this::seekToStored);
            unpositioned.removeAll(partitions);
            partitions.stream().filter(partition -> !stored.containsKey(partition)).map(assigned::get)
                    .filter(Objects::nonNull).forEach(this::refreshStartOffset);
            LOG.info("Group {} positioned partitions {} at stored offsets {}; the others start from the committed "
                    + "Kafka offset or the earliest", settings.groupId(), partitions, stored);
        } catch (SQLException e) {
            metrics.error(WriterMetrics.ERROR_OFFSET_LOAD);
            RATE_LIMITED_LOG.warn("Group {} could not read stored offsets of {} (SQLState {}): {}; keeping them "
                    + "paused and retrying", settings.groupId(), partitions, e.getSQLState(), e.toString());
            unpositioned.addAll(partitions);
            consumer.pause(partitions);
        }
    }

    private void seekToStored(TopicPartition partition, long offset) {
        consumer.seek(partition, offset);
        PartitionLag lag = assigned.get(partition);
        if (lag != null) {
            lag.storedNextOffset(offset);
        }
    }

    private void retryOffsetLoad() {
        long now = nanoClock.getAsLong();
        if (unpositioned.isEmpty() || now - lastOffsetLoadNanos < OFFSET_LOAD_RETRY_INTERVAL.toNanos()) {
            return;
        }
        Set<TopicPartition> pending = new HashSet<>(unpositioned);
        positionFromStore(pending);
        pending.removeAll(unpositioned);
        if (!paused && !pending.isEmpty()) {
            consumer.resume(pending);
        }
    }

    private void commitWrittenAsync() {
        Map<TopicPartition, OffsetAndMetadata> offsets = takePendingCommits(assigned.keySet());
        if (offsets.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets, (committed, error) -> {
            if (error != null) {
                metrics.error(WriterMetrics.ERROR_KAFKA_COMMIT);
                RATE_LIMITED_LOG.warn("Group {} failed to commit offsets {} to Kafka: {}; retrying with the next "
                        + "commit", settings.groupId(), committed, error.toString());
                requeueAll(committed);
            }
        });
    }

    private void commitWrittenSync(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = takePendingCommits(partitions);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
            LOG.info("Group {} committed offsets {} to Kafka", settings.groupId(), offsets);
        } catch (WakeupException e) {
            requeueAll(offsets);
            throw e;
        } catch (KafkaException e) {
            metrics.error(WriterMetrics.ERROR_KAFKA_COMMIT);
            LOG.warn("Group {} failed to commit offsets {} to Kafka: {}; PostgreSQL keeps the written offsets, so "
                    + "only lag tools see older ones", settings.groupId(), offsets, e.toString());
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> takePendingCommits(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            Long next = pendingCommits.get(partition);
            if (next != null && pendingCommits.remove(partition, next)) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        }
        return offsets;
    }

    private void requeueAll(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> requeueCommit(partition, offset.offset()));
    }

    private void requeueCommit(TopicPartition partition, long nextOffset) {
        if (assigned.containsKey(partition)) {
            pendingCommits.merge(partition, nextOffset, Math::max);
        }
    }

    // ---- Lag ----

    /**
     * Refreshes the lag gauges every {@link #LAG_REFRESH_INTERVAL}. The log end offset of a fetching partition comes
     * from the last fetch response ({@code currentLag}), which costs no request. Paused partitions and partitions
     * not fetched yet are looked up with {@code endOffsets}, bounded by the lag read timeout.
     */
    private void refreshLagIfDue() {
        long now = nanoClock.getAsLong();
        if (assigned.isEmpty() || now - lastLagRefreshNanos < LAG_REFRESH_INTERVAL.toNanos()) {
            return;
        }
        lastLagRefreshNanos = now;
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        assigned.forEach((partition, lag) -> nextOffsets.put(partition, lag.nextOffset()));
        try {
            Map<TopicPartition, Long> endOffsets = endOffsetsFromFetches(nextOffsets.keySet());
            Set<TopicPartition> unknown = new HashSet<>(nextOffsets.keySet());
            unknown.removeAll(endOffsets.keySet());
            if (!unknown.isEmpty()) {
                endOffsets.putAll(consumer.endOffsets(unknown, settings.lagReadTimeout()));
            }
            applyEndOffsets(endOffsets, nextOffsets);
            assigned.values().stream().filter(lag -> !lag.hasStoredOffset()).forEach(this::refreshStartOffset);
            lagReadFailingSinceNanos = -1;
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            lagReadFailed(e);
        }
    }

    /**
     * Returns the log end offsets that the last fetch responses showed, for partitions that are fetching. Under
     * {@code read_committed} it is the last stable offset, as {@code endOffsets} returns. A paused partition is left
     * out, because no fetch updates it while paused. NOTE: right after a resume, until the next fetch response, the
     * value is the one from before the pause, so the lag reads low for up to one refresh.
     */
    private Map<TopicPartition, Long> endOffsetsFromFetches(Set<TopicPartition> partitions) {
        Map<TopicPartition, Long> endOffsets = new HashMap<>();
        Set<TopicPartition> pausedPartitions = consumer.paused();
        for (TopicPartition partition : partitions) {
            if (pausedPartitions.contains(partition)) {
                continue;
            }
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent()) {
                try {
                    endOffsets.put(partition, consumer.position(partition, Duration.ZERO) + lag.getAsLong());
                } catch (TimeoutException e) {
                    LOG.trace("Group {} has no valid position of {} yet; reading its log end offset instead",
                            settings.groupId(), partition);
                }
            }
        }
        return endOffsets;
    }

    private void applyEndOffsets(Map<TopicPartition, Long> endOffsets, Map<TopicPartition, Long> nextOffsets) {
        long readAtMs = clock.millis();
        endOffsets.forEach((partition, end) -> {
            PartitionLag lag = assigned.get(partition);
            if (lag != null && end != null) {
                lag.logEndOffset(end, nextOffsets.getOrDefault(partition, -1L), readAtMs);
            }
        });
    }

    /**
     * Handles a failed lag read. A single timeout is normal on a busy broker and keeps the last lag, so it is logged
     * at debug only. Failures that go on for {@link #LAG_READ_FAILURE_GRACE} count as errors and log a warning.
     */
    private void lagReadFailed(KafkaException e) {
        long now = nanoClock.getAsLong();
        if (lagReadFailingSinceNanos < 0) {
            lagReadFailingSinceNanos = now;
        }
        long failingMs = TimeUnit.NANOSECONDS.toMillis(now - lagReadFailingSinceNanos);
        if (failingMs >= LAG_READ_FAILURE_GRACE.toMillis()) {
            metrics.error(WriterMetrics.ERROR_LAG_REFRESH);
            RATE_LIMITED_LOG.warn("Group {} has failed to read log end offsets for lag for {} ms, so the lag gauges "
                    + "are stale: {}", settings.groupId(), failingMs, e.toString());
        } else if (LOG.isDebugEnabled()
                && now - lastLagReadDebugLogNanos >= LAG_READ_DEBUG_LOG_INTERVAL.toNanos()) {
            lastLagReadDebugLogNanos = now;
            LOG.debug("Group {} could not read log end offsets for lag, keeping the last values: {}",
                    settings.groupId(), e.toString());
        }
    }

    /**
     * Records where a partition without a stored offset starts, as the base of its lag. Runs once per assignment,
     * before the first fetch moves the position on. A timeout leaves it to the next lag refresh.
     */
    private void refreshStartOffset(PartitionLag lag) {
        if (unpositioned.contains(lag.partition()) || lag.hasStartOffset()) {
            return;
        }
        try {
            lag.startOffset(consumer.position(lag.partition(), settings.lagReadTimeout()));
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.debug("Group {} could not read the position of {} for lag: {}", settings.groupId(), lag.partition(),
                    e.toString());
        }
    }

    // ---- Rebalance, called by RebalanceHandler on the poll thread ----

    void partitionsAssigned(Collection<TopicPartition> partitions) {
        joined = true;
        assignmentWait.partitionsChanged(assigned.size() + partitions.size());
        if (partitions.isEmpty() || crashed) {
            return;
        }
        rebalanceEvents.incrementAndGet();
        for (TopicPartition partition : partitions) {
            PartitionLag lag = new PartitionLag(partition, queue, clock);
            assigned.put(partition, lag);
            metrics.registerPartition(partition, lag, PartitionLag::lagRecords, PartitionLag::lagSeconds);
            queue.releaseHold(partition);
        }
        positionFromStore(partitions);
        if (paused) {
            consumer.pause(partitions);
        }
        lastLagRefreshNanos = nanoClock.getAsLong() - LAG_REFRESH_INTERVAL.toNanos();
        LOG.info("Group {} assigned partitions {}; now owns {}", settings.groupId(), partitions, assigned.keySet());
    }

    void partitionsRevoked(Collection<TopicPartition> partitions, boolean commit) {
        if (partitions.isEmpty() || crashed) {
            return;
        }
        rebalanceEvents.incrementAndGet();
        partitions.forEach(assigned::remove);
        assignmentWait.partitionsChanged(assigned.size());
        int dropped = queue.drop(partitions);
        if (!closing) {
            awaitInFlight(partitions);
        }
        if (commit) {
            commitWrittenSync(partitions);
        }
        partitions.forEach(pendingCommits::remove);
        for (TopicPartition partition : partitions) {
            metrics.removePartition(partition);
            unpositioned.remove(partition);
            queue.releaseHold(partition);
        }
        LOG.info("Group {} {} partitions {}, dropped {} queued records; now owns {}", settings.groupId(),
                commit ? "revoked" : "lost", partitions, dropped, assigned.keySet());
    }

    private void awaitInFlight(Collection<TopicPartition> partitions) {
        Duration wait = settings.shutdownTimeout().compareTo(MAX_REVOKE_WAIT) < 0
                ? settings.shutdownTimeout() : MAX_REVOKE_WAIT;
        try {
            if (!queue.awaitNotInFlight(partitions, wait)) {
                metrics.error(WriterMetrics.ERROR_REVOKE_TIMEOUT);
                LOG.warn("Group {} gave up waiting {} ms for in-flight batches of revoked partitions {}; the stored "
                        + "offset check keeps them from being written twice", settings.groupId(), wait.toMillis(),
                        partitions);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- BatchCallbacks, called on writer threads ----

    @Override
    public boolean isAssigned(TopicPartition partition) {
        return assigned.containsKey(partition) && !crashed;
    }

    @Override
    public void committed(BatchResult.Committed result) {
        Batch batch = result.batch();
        pendingCommits.merge(batch.partition(), batch.nextOffset(), Math::max);
        PartitionLag lag = assigned.get(batch.partition());
        if (lag != null) {
            lag.written(batch.nextOffset(), batch.records().get(batch.size() - 1).timestampMs());
        }
    }

    @Override
    public void stale(BatchResult.Stale result) {
        queue.holdForSeek(result.batch().partition());
        seekRequests.add(result);
    }

    @Override
    public void databaseAvailable(boolean available) {
        databaseAvailable = available;
    }

    // ---- Stop ----

    /** Asks the poll loop to stop and drain, and returns at once. */
    public void requestStop() {
        running = false;
        consumer.wakeup();
    }

    /** Asks the poll loop to stop like a crashed process: no drain and no commits. Returns at once. */
    public void requestCrash() {
        crashed = true;
        requestStop();
    }

    /** Waits for the poll loop to end and returns whether it did within {@code timeout}. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits until the loop subscribed and is about to poll, or ended; returns whether that happened in time. */
    public boolean awaitPolling(Duration timeout) throws InterruptedException {
        return polling.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void shutdown() {
        long deadline = nanoClock.getAsLong() + settings.shutdownTimeout().toNanos();
        int depth = queue.depthRecords();
        LOG.info("Group {} stopping: draining {} queued records, for at most {} ms", settings.groupId(), depth,
                settings.shutdownTimeout().toMillis());
        pauseQuietly();
        // Consumes a wakeup left by requestStop, so the commit below cannot throw WakeupException.
        pollWhileDraining();
        queue.close();
        boolean drained = drainWriters(deadline);
        if (!drained) {
            LOG.warn("Group {} shutdown timeout of {} ms reached with {} records not written; the next owner of "
                    + "their partitions reads them again", settings.groupId(), settings.shutdownTimeout().toMillis(),
                    queue.depthRecords());
            queue.abort();
            stopWritersNow();
        }
        commitWrittenSync(new ArrayList<>(assigned.keySet()));
        closing = true;
        closeConsumer();
    }

    private void pauseQuietly() {
        try {
            paused = true;
            consumer.pause(consumer.assignment());
        } catch (KafkaException e) {
            LOG.debug("Group {} could not pause partitions before shutdown: {}", settings.groupId(), e.toString());
        }
    }

    /** Keeps polling (all partitions paused) so the group keeps this member while the writers drain the queue. */
    private boolean drainWriters(long deadlineNanos) {
        try {
            while (nanoClock.getAsLong() < deadlineNanos) {
                if (writers == null || writers.awaitExit(Duration.ofMillis(100))) {
                    return true;
                }
                pollWhileDraining();
                commitWrittenAsync();
            }
            return writers.awaitExit(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void pollWhileDraining() {
        try {
            consumer.poll(Duration.ZERO);
        } catch (WakeupException e) {
            LOG.debug("Poll of group {} woken up while draining", settings.groupId());
        }
    }

    private void stopWritersNow() {
        if (writers == null) {
            return;
        }
        try {
            if (!writers.interruptAndAwait(CLOSE_TIMEOUT)) {
                LOG.warn("Writer threads of group {} did not stop within {} ms", settings.groupId(),
                        CLOSE_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops without draining or committing, as a killed process would. The next owner resumes from PostgreSQL. */
    private void abandon() {
        LOG.warn("Group {} abandoning {} queued records without committing", settings.groupId(),
                queue.depthRecords());
        queue.abort();
        stopWritersNow();
        closing = true;
        closeConsumer();
    }

    private void closeConsumer() {
        try {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            LOG.info("Group {} consumer closed and left the group", settings.groupId());
        } catch (KafkaException e) {
            metrics.error(WriterMetrics.ERROR_UNEXPECTED);
            LOG.warn("Group {} consumer close failed: {}", settings.groupId(), e.toString());
        }
        assigned.keySet().forEach(metrics::removePartition);
        assigned.clear();
    }

    // ---- State for DbWriter ----

    public boolean isPaused() {
        return paused;
    }

    /** Returns whether the consumer joined the group and the last database transaction succeeded. */
    public boolean isReady() {
        return running && joined && databaseAvailable;
    }

    public int assignedPartitions() {
        return assigned.size();
    }

    /** Non-empty assignments, revocations and losses seen so far. */
    public long rebalanceEvents() {
        return rebalanceEvents.get();
    }
}
