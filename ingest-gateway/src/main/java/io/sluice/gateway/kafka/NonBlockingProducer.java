package io.sluice.gateway.kafka;

import io.sluice.gateway.backpressure.ReadGate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records without waiting for producer buffer space. The producer runs with {@code max.block.ms=0}, so a full
 * {@code buffer.memory} makes {@code send()} complete at once with {@link BufferExhaustedException}, and a topic
 * missing from the producer's metadata (dropped after {@code metadata.max.idle.ms} without sends) with a
 * {@link TimeoutException}. Such a record is not lost: it joins a pending FIFO, reads pause through the {@link ReadGate}, and a scheduled task
 * sends the FIFO again every few milliseconds. While the FIFO is not empty, new records queue behind it so
 * records keep their order. Reads resume once the FIFO is empty and buffer use fell below the low water mark.
 * A record that still cannot be handed over after {@code maxPendingTime} fails with the last error.
 *
 * <p>Thread ownership: {@link #send} runs on any event loop and the retry task on its own thread. Both hand
 * records to the producer while holding {@code lock}, which keeps the FIFO order; {@code producer.send} does
 * not block with {@code max.block.ms=0}, so the lock is held for microseconds.
 */
public final class NonBlockingProducer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NonBlockingProducer.class);
    private static final long RETRY_INTERVAL_MS = 2;

    private final Producer<byte[], byte[]> producer;
    private final ReadGate gate;
    private final double lowWaterMark;
    private final Runnable onRetry;
    private final long maxPendingNanos;
    private final ScheduledExecutorService retryExecutor;
    private final BufferMetrics bufferMetrics;

    private final Object lock = new Object();
    private final ArrayDeque<PendingSend> pending = new ArrayDeque<>(); // guarded by lock
    private ScheduledFuture<?> retryTask; // guarded by lock

    /**
     * Wraps {@code producer}, which must be configured with {@code max.block.ms=0}. {@code lowWaterMark} is the
     * fraction of {@code buffer.memory} below which reads resume; {@code onRetry} runs for every resent record.
     */
    public NonBlockingProducer(Producer<byte[], byte[]> producer, ReadGate gate, double lowWaterMark,
                               Runnable onRetry) {
        this(producer, gate, lowWaterMark, onRetry, Duration.ofMinutes(2));
    }

    /** As above; a record waiting in the FIFO longer than {@code maxPendingTime} fails with its last error. */
    public NonBlockingProducer(Producer<byte[], byte[]> producer, ReadGate gate, double lowWaterMark,
                               Runnable onRetry, Duration maxPendingTime) {
        this.maxPendingNanos = maxPendingTime.toNanos();
        this.producer = producer;
        this.gate = gate;
        this.lowWaterMark = lowWaterMark;
        this.onRetry = onRetry;
        this.bufferMetrics = new BufferMetrics(producer);
        this.retryExecutor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sluice-gateway-send-retry");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Sends {@code record}; {@code callback} runs exactly once with the metadata or the failure, on the producer
     * I/O thread, or on the calling thread when the producer rejects the record at once. A full buffer is not a
     * failure: the record waits in the FIFO and the callback runs after it was finally sent.
     */
    public void send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        PendingSend send = new PendingSend(record, callback, System.nanoTime());
        synchronized (lock) {
            if (!pending.isEmpty() || trySend(send) != null) {
                pending.add(send);
                startRetrying();
            }
        }
    }

    /** Records waiting in the FIFO for buffer space. */
    public int pendingCount() {
        synchronized (lock) {
            return pending.size();
        }
    }

    public long bufferUsedBytes() {
        return Math.max(0, bufferMetrics.totalBytes() - bufferMetrics.availableBytes());
    }

    public long bufferTotalBytes() {
        return bufferMetrics.totalBytes();
    }

    /** Returns the wrapped producer, for binding client metrics and metadata look-ups. */
    public Producer<byte[], byte[]> producer() {
        return producer;
    }

    /**
     * Waits until the FIFO is empty and every sent record completed, or the timeout passed, then closes the
     * producer within the time left. Records still in the FIFO after the timeout fail with an error.
     */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitEmptyFifo(deadline);
        retryExecutor.shutdownNow();
        failRemaining();
        long leftNanos = Math.max(0, deadline - System.nanoTime());
        log.info("Flushing and closing the Kafka producer (timeout {} ms)", TimeUnit.NANOSECONDS.toMillis(leftNanos));
        producer.close(Duration.ofNanos(leftNanos));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Returns the error when the producer could not take the record yet (buffer full or topic metadata missing),
     * or null when the record was handed over or its callback already has the outcome.
     */
    private TimeoutException trySend(PendingSend send) {
        SendAttempt attempt = new SendAttempt(send.callback);
        try {
            producer.send(send.record, attempt);
        } catch (RuntimeException e) {
            // KafkaProducer throws, rather than calling back, for errors that are not ApiExceptions, such as
            // a closed producer or an interrupt.
            send.callback.onCompletion(null, e);
        } finally {
            attempt.insideSend = false;
        }
        return attempt.notYetSent;
    }

    private void startRetrying() {
        gate.pause();
        if (retryTask == null) {
            retryTask = retryExecutor.scheduleWithFixedDelay(this::retryPending, RETRY_INTERVAL_MS,
                    RETRY_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void retryPending() {
        try {
            synchronized (lock) {
                drainFifo();
                if (pending.isEmpty() && bufferUsedFraction() < lowWaterMark) {
                    retryTask.cancel(false);
                    retryTask = null;
                    gate.resume();
                }
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; log and keep retrying instead.
            log.error("Resending records from the pending FIFO failed; retrying in {} ms", RETRY_INTERVAL_MS, e);
        }
    }

    private void drainFifo() {
        while (!pending.isEmpty()) {
            onRetry.run();
            PendingSend head = pending.peek();
            TimeoutException error = trySend(head);
            if (error != null && System.nanoTime() - head.queuedAtNanos < maxPendingNanos) {
                return;
            }
            pending.poll();
            if (error != null) {
                log.warn("Failing a record for topic {} after {} ms in the pending FIFO: {}", head.record.topic(),
                        TimeUnit.NANOSECONDS.toMillis(maxPendingNanos), error.getMessage());
                head.callback.onCompletion(null, error);
            }
        }
    }

    private double bufferUsedFraction() {
        long total = bufferMetrics.totalBytes();
        return total <= 0 ? 0.0 : (double) bufferUsedBytes() / total;
    }

    private void awaitEmptyFifo(long deadlineNanos) {
        while (pendingCount() > 0 && System.nanoTime() < deadlineNanos) {
            try {
                Thread.sleep(RETRY_INTERVAL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void failRemaining() {
        synchronized (lock) {
            if (!pending.isEmpty()) {
                log.warn("Failing {} records still waiting for producer buffer space at shutdown", pending.size());
            }
            PendingSend send;
            while ((send = pending.poll()) != null) {
                send.callback.onCompletion(null, new IllegalStateException(
                        "gateway shut down before the producer buffer had room for this record; send it again"));
            }
        }
    }

    private record PendingSend(ProducerRecord<byte[], byte[]> record, Callback callback, long queuedAtNanos) {
    }

    /**
     * Callback of one {@code send()} call. A {@link TimeoutException} reported while {@code send()} is still
     * running on this thread (buffer exhausted, or metadata missing with {@code max.block.ms=0}) marks the
     * attempt for a retry instead of reaching the caller.
     */
    private static final class SendAttempt implements Callback {
        private final Callback delegate;
        private volatile boolean insideSend = true;
        private TimeoutException notYetSent;

        SendAttempt(Callback delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (insideSend && exception instanceof TimeoutException timeout) {
                notYetSent = timeout;
                return;
            }
            delegate.onCompletion(metadata, exception);
        }
    }

    /** Reads {@code buffer-available-bytes} and {@code buffer-total-bytes} from the producer's own metrics. */
    private static final class BufferMetrics {
        private final Producer<?, ?> producer;
        private volatile Metric available;
        private volatile Metric total;

        BufferMetrics(Producer<?, ?> producer) {
            this.producer = producer;
        }

        long availableBytes() {
            if (available == null) {
                available = find("buffer-available-bytes");
            }
            return valueOf(available);
        }

        long totalBytes() {
            if (total == null) {
                total = find("buffer-total-bytes");
            }
            return valueOf(total);
        }

        private Metric find(String name) {
            for (Map.Entry<MetricName, ? extends Metric> entry : producer.metrics().entrySet()) {
                MetricName metricName = entry.getKey();
                if (metricName.name().equals(name) && metricName.group().equals("producer-metrics")) {
                    return entry.getValue();
                }
            }
            return null;
        }

        private static long valueOf(Metric metric) {
            if (metric == null) {
                return 0;
            }
            Object value = metric.metricValue();
            return value instanceof Number ? ((Number) value).longValue() : 0;
        }
    }
}
