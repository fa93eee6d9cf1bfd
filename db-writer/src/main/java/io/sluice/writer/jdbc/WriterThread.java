package io.sluice.writer.jdbc;

import io.sluice.common.logging.RateLimitedLogger;
import io.sluice.writer.metrics.WriterMetrics;
import io.sluice.writer.queue.Batch;
import io.sluice.writer.queue.BatchQueue;
import io.sluice.writer.queue.WriterRecord;
import io.sluice.writer.rate.TokenBucket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one lane of the batch queue into PostgreSQL. A failed transaction that is not a data error is retried with
 * exponential backoff for as long as the partition stays assigned. Meanwhile the batch stays in flight, so the queue
 * fills and the poll thread pauses the partitions.
 */
public final class WriterThread implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WriterThread.class);
    private static final RateLimitedLogger RETRY_LOG = new RateLimitedLogger(LOG, Duration.ofSeconds(10));
    private static final RateLimitedLogger DEAD_LETTER_LOG = new RateLimitedLogger(LOG, Duration.ofSeconds(10));

    /** Static settings of the writer threads. */
    public record Settings(String groupId, int batchMaxRows, Duration linger, Duration backoffInitial,
            Duration backoffMax) {
    }

    private final int lane;
    private final Settings settings;
    private final BatchQueue queue;
    private final BatchWriter writer;
    private final TokenBucket rateLimit;
    private final WriterMetrics metrics;
    private final BatchCallbacks callbacks;

    /**
     * @param rateLimit the row cap shared by all writer threads, or null for none
     */
    public WriterThread(int lane, Settings settings, BatchQueue queue, BatchWriter writer, TokenBucket rateLimit,
            WriterMetrics metrics, BatchCallbacks callbacks) {
        this.lane = lane;
        this.settings = settings;
        this.queue = queue;
        this.writer = writer;
        this.rateLimit = rateLimit;
        this.metrics = metrics;
        this.callbacks = callbacks;
    }

    @Override
    public void run() {
        LOG.info("Writer thread for lane {} of group {} started", lane, settings.groupId());
        try {
            Batch batch;
            while ((batch = queue.take(lane, settings.batchMaxRows(), settings.linger())) != null) {
                try {
                    process(batch);
                } finally {
                    queue.complete(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            metrics.error(WriterMetrics.ERROR_UNEXPECTED);
            LOG.error("Writer thread for lane {} of group {} failed", lane, settings.groupId(), e);
            throw e;
        }
        LOG.info("Writer thread for lane {} of group {} stopped", lane, settings.groupId());
    }

    private void process(Batch batch) throws InterruptedException {
        if (rateLimit != null) {
            rateLimit.acquire(batch.size());
        }
        long startNanos = System.nanoTime();
        BatchResult result = writeWithRetry(batch);
        if (result instanceof BatchResult.Committed committed) {
            recordCommit(committed, Duration.ofNanos(System.nanoTime() - startNanos));
            callbacks.committed(committed);
        } else if (result instanceof BatchResult.Stale stale) {
            metrics.staleBatch();
            LOG.info("Dropped stale batch of group {} partition {} at offset {}: stored next offset is {}",
                    settings.groupId(), batch.partition(), batch.firstOffset(), stale.storedOffset());
            callbacks.stale(stale);
        }
    }

    /** Returns the result, or null when the partition was revoked while the batch waited for a retry. */
    private BatchResult writeWithRetry(Batch batch) throws InterruptedException {
        long backoffNanos = settings.backoffInitial().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                BatchResult result = writer.write(batch);
                callbacks.databaseAvailable(true);
                return result;
            } catch (SQLException | RuntimeException e) {
                callbacks.databaseAvailable(false);
                if (!callbacks.isAssigned(batch.partition())) {
                    LOG.info("Abandoned batch of group {} partition {} at offset {} after a failure: partition "
                            + "revoked, so the next owner reads it again", settings.groupId(), batch.partition(),
                            batch.firstOffset());
                    return null;
                }
                String cause = e instanceof SQLException sql ? SqlErrors.retryCause(sql) : "other";
                metrics.retry(cause);
                metrics.error(WriterMetrics.ERROR_DATABASE);
                RETRY_LOG.warn("Batch of group {} partition {} at offset {} failed (attempt {}, cause {}, SQLState "
                        + "{}): {}; retrying in {} ms", settings.groupId(), batch.partition(), batch.firstOffset(),
                        attempt, cause, e instanceof SQLException sql ? SqlErrors.sqlState(sql) : "none",
                        e.toString(), TimeUnit.NANOSECONDS.toMillis(backoffNanos));
                TimeUnit.NANOSECONDS.sleep(backoffNanos);
                backoffNanos = Math.min(backoffNanos * 2, settings.backoffMax().toNanos());
            }
        }
    }

    private void recordCommit(BatchResult.Committed committed, Duration transactionTime) {
        Batch batch = committed.batch();
        String topic = batch.partition().topic();
        metrics.batchCommitted(topic, committed.rowsWritten(), committed.deadLetters().size(), transactionTime);
        Set<Long> deadLetterOffsets = new HashSet<>();
        for (DeadLetter deadLetter : committed.deadLetters()) {
            deadLetterOffsets.add(deadLetter.record().offset());
            DEAD_LETTER_LOG.warn("Record of group {} partition {} at offset {} moved to the dead-letter table "
                    + "(SQLState {}): {}",
                    settings.groupId(), batch.partition(), deadLetter.record().offset(), deadLetter.sqlState(),
                    deadLetter.reason());
        }
        for (WriterRecord record : batch.records()) {
            if (!deadLetterOffsets.contains(record.offset())) {
                metrics.e2eLatency(topic, committed.commitTimeMs() - record.timestampMs());
            }
        }
        LOG.debug("Committed batch of group {} partition {} offsets {}..{}: {} rows, {} dead letters",
                settings.groupId(), batch.partition(), batch.firstOffset(), batch.lastOffset(),
                committed.rowsWritten(), committed.deadLetters().size());
    }
}
