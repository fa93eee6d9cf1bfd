package io.sluice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.gateway.backpressure.ReadGate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class NonBlockingProducerTest {

    /** MockProducer that, while {@code full} is set, fails sends inside {@code send()} as a full buffer does. */
    private static final class FullBufferProducer extends MockProducer<byte[], byte[]> {
        volatile boolean full;
        volatile boolean metadataMissing;

        FullBufferProducer() {
            super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            if (full) {
                callback.onCompletion(null, new BufferExhaustedException("buffer full in test"));
                return null;
            }
            if (metadataMissing) {
                callback.onCompletion(null, new TimeoutException("Topic t not present in metadata after 0 ms."));
                return null;
            }
            return super.send(record, callback);
        }
    }

    private final FullBufferProducer mock = new FullBufferProducer();
    private final ReadGate gate = new ReadGate(System::nanoTime);
    private final AtomicInteger retries = new AtomicInteger();
    private final NonBlockingProducer producer = new NonBlockingProducer(mock, gate, 0.5, retries::incrementAndGet);
    private final List<String> outcomes = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        producer.close(Duration.ofSeconds(1));
    }

    @Test
    void fullBufferQueuesInOrderAndPausesReads() {
        mock.full = true;
        send("a");
        send("b");
        send("c");

        assertThat(producer.pendingCount()).isEqualTo(3);
        assertThat(gate.isPaused()).isTrue();
        assertThat(outcomes).isEmpty();

        mock.full = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.pendingCount() == 0 && !gate.isPaused());
        assertThat(mock.history()).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("a", "b", "c");
        assertThat(retries.get()).isGreaterThanOrEqualTo(3);
        assertThat(gate.pauseCount()).isEqualTo(1);
        assertThat(gate.pausedSeconds()).isGreaterThan(0);
    }

    @Test
    void recordsQueueBehindPendingFifo() {
        mock.full = true;
        send("first");
        mock.full = false;
        send("second");

        assertThat(producer.pendingCount()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.pendingCount() == 0);
        assertThat(mock.history()).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("first", "second");
    }

    @Test
    void completionsReachCallbacks() {
        send("ok");
        send("broken");
        mock.completeNext();
        mock.errorNext(new IllegalStateException("broker said no"));

        assertThat(outcomes).containsExactly("ok:acked", "broken:IllegalStateException");
        assertThat(gate.isPaused()).isFalse();
    }

    @Test
    void queuedRecordsFailAtClose() {
        mock.full = true;
        send("stuck");

        producer.close(Duration.ofMillis(100));

        assertThat(outcomes).containsExactly("stuck:IllegalStateException");
    }

    @Test
    void missingMetadataIsRetriedNotFailed() {
        mock.metadataMissing = true;
        send("after-idle");

        assertThat(producer.pendingCount()).isEqualTo(1);
        assertThat(outcomes).isEmpty();

        mock.metadataMissing = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.pendingCount() == 0);
        mock.completeNext();
        assertThat(outcomes).containsExactly("after-idle:acked");
    }

    @Test
    void recordFailsAfterMaxPendingTime() {
        NonBlockingProducer shortWait = new NonBlockingProducer(mock, gate, 0.5, () -> { }, Duration.ofMillis(50));
        mock.metadataMissing = true;
        shortWait.send(new ProducerRecord<>("t", "gone".getBytes(StandardCharsets.UTF_8)), (metadata, exception) ->
                outcomes.add("gone:" + (exception == null ? "acked" : exception.getClass().getSimpleName())));

        await().atMost(Duration.ofSeconds(5)).until(() -> !outcomes.isEmpty());
        assertThat(outcomes).containsExactly("gone:TimeoutException");
        assertThat(shortWait.pendingCount()).isZero();
        shortWait.close(Duration.ofMillis(100));
    }

    private void send(String value) {
        producer.send(new ProducerRecord<>("t", value.getBytes(StandardCharsets.UTF_8)), (metadata, exception) ->
                outcomes.add(value + ":" + (exception == null ? "acked" : exception.getClass().getSimpleName())));
    }
}
