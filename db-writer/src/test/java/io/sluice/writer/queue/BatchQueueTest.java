package io.sluice.writer.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BatchQueueTest {
    private static final TopicPartition P0 = new TopicPartition("events", 0);
    private static final TopicPartition P1 = new TopicPartition("events", 1);
    private static final TopicPartition P2 = new TopicPartition("events", 2);

    private static final long MIB = 1L << 20;

    private final AtomicLong nanos = new AtomicLong();

    private static List<WriterRecord> records(TopicPartition partition, long firstOffset, int count) {
        List<WriterRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new WriterRecord(partition, firstOffset + i, null, "{}".getBytes(), 1_000 + i));
        }
        return records;
    }

    @Test
    void waterMarksFromFractions() {
        WaterMarks marks = WaterMarks.ofFractions(20_000, MIB, 0.8, 0.5);

        assertThat(marks.highRecords()).isEqualTo(16_000);
        assertThat(marks.lowRecords()).isEqualTo(10_000);
        assertThat(marks.shouldPause(15_999, 0)).isFalse();
        assertThat(marks.shouldPause(16_000, 0)).isTrue();
        assertThat(marks.shouldResume(10_001, 0)).isFalse();
        assertThat(marks.shouldResume(10_000, 0)).isTrue();
    }

    @Test
    void waterMarksInBytes() {
        WaterMarks marks = WaterMarks.ofFractions(20_000, 64 * MIB, 0.8, 0.5);

        assertThat(marks.capacityBytes()).isEqualTo(64 * MIB);
        assertThat(marks.highBytes()).isEqualTo(53_687_091L);
        assertThat(marks.lowBytes()).isEqualTo(32 * MIB);
        assertThat(marks.shouldPause(10, 53_687_090L)).isFalse();
        assertThat(marks.shouldPause(10, 53_687_091L)).isTrue();
        assertThat(marks.shouldResume(10, 32 * MIB + 1)).isFalse();
        assertThat(marks.shouldResume(10, 32 * MIB)).isTrue();
    }

    @Test
    void resumeNeedsBothDepthsLow() {
        WaterMarks marks = WaterMarks.ofFractions(100, 1_000, 0.8, 0.5);

        assertThat(marks.shouldPause(80, 0)).isTrue();
        assertThat(marks.shouldPause(0, 800)).isTrue();
        assertThat(marks.shouldResume(50, 501)).isFalse();
        assertThat(marks.shouldResume(51, 500)).isFalse();
        assertThat(marks.shouldResume(50, 500)).isTrue();
    }

    @Test
    void waterMarksRejectLowAboveHigh() {
        assertThatThrownBy(() -> WaterMarks.ofFractions(100, MIB, 0.5, 0.6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.6");
        assertThatThrownBy(() -> WaterMarks.ofFractions(100, MIB, 1.5, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> new WaterMarks(100, 50, 50, MIB, 10, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("50");
        assertThatThrownBy(() -> new WaterMarks(100, 50, 40, 1_000, 500, 500))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("500 bytes");
        assertThatThrownBy(() -> new WaterMarks(100, 50, 40, 1_000, 1_001, 500))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1001");
    }

    @Test
    void waterMarksOfTinyQueueStayOrdered() {
        WaterMarks marks = WaterMarks.ofFractions(1, 1, 0.8, 0.5);

        assertThat(marks.highRecords()).isEqualTo(1);
        assertThat(marks.lowRecords()).isZero();
        assertThat(marks.highBytes()).isEqualTo(1);
        assertThat(marks.lowBytes()).isZero();
    }

    @Test
    void depthBytesFollowsAddTakeAndDrop() throws InterruptedException {
        BatchQueue queue = new BatchQueue(2, nanos::get);
        queue.addAll(records(P0, 0, 4));
        queue.addAll(records(P1, 0, 3));
        long recordBytes = 2 + WriterRecord.OVERHEAD_BYTES;

        assertThat(queue.depthBytes()).isEqualTo(7 * recordBytes);
        Batch batch = queue.take(queue.laneOf(P0), 3, Duration.ZERO);
        assertThat(queue.depthBytes()).isEqualTo(7 * recordBytes);
        queue.complete(batch);
        assertThat(queue.depthBytes()).isEqualTo(4 * recordBytes);
        queue.drop(List.of(P1));
        assertThat(queue.depthBytes()).isEqualTo(recordBytes);
        assertThat(queue.peakDepthBytes()).isEqualTo(7 * recordBytes);
    }

    @Test
    void recordSizeCountsKeyValueAndOverhead() {
        WriterRecord keyed = new WriterRecord(P0, 0, new byte[10], new byte[1_000], 0);
        WriterRecord unkeyed = new WriterRecord(P0, 1, null, new byte[1_000], 0);

        assertThat(keyed.sizeBytes()).isEqualTo(1_010 + WriterRecord.OVERHEAD_BYTES);
        assertThat(unkeyed.sizeBytes()).isEqualTo(1_000 + WriterRecord.OVERHEAD_BYTES);
    }

    @Test
    void partitionAlwaysMapsToSameLane() {
        BatchQueue queue = new BatchQueue(2, nanos::get);

        assertThat(queue.laneOf(P0)).isEqualTo(queue.laneOf(new TopicPartition("events", 0)));
        assertThat(List.of(queue.laneOf(P0), queue.laneOf(P1), queue.laneOf(P2))).containsOnly(0, 1);
        assertThat(queue.laneOf(P0)).isNotEqualTo(queue.laneOf(P1));
    }

    @Test
    void batchHoldsOnePartitionInOffsetOrder() throws InterruptedException {
        BatchQueue queue = new BatchQueue(1, nanos::get);
        List<WriterRecord> interleaved = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            interleaved.addAll(records(P0, i, 1));
            interleaved.addAll(records(P1, 100 + i, 1));
        }
        queue.addAll(interleaved);

        Batch first = queue.take(0, 10, Duration.ZERO);

        assertThat(first.records()).extracting(WriterRecord::partition).containsOnly(first.partition());
        assertThat(first.records()).extracting(WriterRecord::offset).isSorted().hasSize(5);
        assertThat(queue.depthRecords()).isEqualTo(10);
    }

    @Test
    void partitionInFlightIsNotTakenTwice() throws InterruptedException {
        BatchQueue queue = new BatchQueue(1, nanos::get);
        queue.addAll(records(P0, 0, 4));

        Batch first = queue.take(0, 2, Duration.ZERO);
        queue.addAll(records(P1, 0, 1));
        Batch second = queue.take(0, 2, Duration.ZERO);

        assertThat(first.partition()).isEqualTo(P0);
        assertThat(second.partition()).isEqualTo(P1);
        queue.complete(first);
        Batch third = queue.take(0, 2, Duration.ZERO);
        assertThat(third.firstOffset()).isEqualTo(2);
    }

    @Test
    void lingerWaitsForFullBatch() throws InterruptedException {
        BatchQueue queue = new BatchQueue(1, System::nanoTime);
        queue.addAll(records(P0, 0, 3));

        long start = System.nanoTime();
        Batch batch = queue.take(0, 10, Duration.ofMillis(200));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(batch.size()).isEqualTo(3);
        assertThat(waitedMs).isGreaterThanOrEqualTo(150);
    }

    @Test
    void fullBatchSkipsLinger() throws InterruptedException {
        BatchQueue queue = new BatchQueue(1, nanos::get);
        queue.addAll(records(P0, 0, 10));

        Batch batch = queue.take(0, 10, Duration.ofHours(1));

        assertThat(batch.size()).isEqualTo(10);
    }

    @Test
    void depthCountsInFlightUntilComplete() throws InterruptedException {
        BatchQueue queue = new BatchQueue(1, nanos::get);
        queue.addAll(records(P0, 0, 5));

        Batch batch = queue.take(0, 3, Duration.ZERO);
        assertThat(queue.depthRecords()).isEqualTo(5);
        queue.complete(batch);

        assertThat(queue.depthRecords()).isEqualTo(2);
    }

    @Test
    void dropRemovesQueuedRecordsOfPartition() {
        BatchQueue queue = new BatchQueue(2, nanos::get);
        queue.addAll(records(P0, 0, 5));
        queue.addAll(records(P1, 0, 7));

        int dropped = queue.drop(List.of(P0));

        assertThat(dropped).isEqualTo(5);
        assertThat(queue.depthRecords()).isEqualTo(7);
        assertThat(queue.oldestTimestampMs(P0)).isEmpty();
    }

    @Test
    void heldPartitionDropsArrivalsUntilReleased() {
        BatchQueue queue = new BatchQueue(1, nanos::get);
        queue.addAll(records(P0, 0, 5));

        queue.holdForSeek(P0);
        queue.addAll(records(P0, 5, 5));
        assertThat(queue.depthRecords()).isZero();
        queue.releaseHold(P0);
        queue.addAll(records(P0, 0, 2));

        assertThat(queue.depthRecords()).isEqualTo(2);
    }

    @Test
    void closedQueueDrainsThenReturnsNull() throws InterruptedException {
        BatchQueue queue = new BatchQueue(1, nanos::get);
        queue.addAll(records(P0, 0, 3));
        queue.close();
        queue.addAll(records(P0, 3, 3));

        Batch batch = queue.take(0, 10, Duration.ofHours(1));
        queue.complete(batch);

        assertThat(batch.size()).isEqualTo(3);
        assertThat(queue.take(0, 10, Duration.ofHours(1))).isNull();
        assertThat(queue.awaitEmpty(Duration.ZERO)).isTrue();
    }

    @Test
    void inFlightWaitTimesOut() throws InterruptedException {
        BatchQueue queue = new BatchQueue(1, nanos::get);
        queue.addAll(records(P0, 0, 3));
        Batch batch = queue.take(0, 10, Duration.ZERO);

        assertThat(queue.awaitNotInFlight(List.of(P0), Duration.ofMillis(50))).isFalse();
        queue.complete(batch);
        assertThat(queue.awaitNotInFlight(List.of(P0), Duration.ofMillis(50))).isTrue();
    }

    @Test
    void oldestTimestampCoversInFlightBatch() throws InterruptedException {
        BatchQueue queue = new BatchQueue(1, nanos::get);
        queue.addAll(records(P0, 0, 4));

        queue.take(0, 2, Duration.ZERO);

        assertThat(queue.oldestTimestampMs(P0)).hasValue(1_000);
    }
}
