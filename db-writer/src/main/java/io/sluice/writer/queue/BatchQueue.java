package io.sluice.writer.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Bounded queue of records between the poll thread and the writer threads.
 *
 * <p>The queue has one lane per writer thread, and a partition always maps to the same lane (by hash), so one
 * thread writes a partition's batches, one at a time and in offset order. Inside a lane each partition has its own
 * FIFO, and the lane serves partitions round robin.
 *
 * <p>The depth counts queued and in-flight records, in records and in bytes ({@link WriterRecord#sizeBytes}).
 * {@link #addAll} never rejects a record for lack of room: the poll thread pauses its partitions at either high water
 * mark, so a depth exceeds its high water mark by at most one poll and the capacities are soft caps.
 *
 * <p>Thread safe. One lock guards all state. The poll thread adds and drops records and holds partitions for a
 * seek, and each writer thread takes from its own lane and completes what it took.
 */
public final class BatchQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Lane> lanes;
    private final LongSupplier nanoClock;
    /** Partitions whose records are dropped on arrival until the poll thread has sought them. Guarded by lock. */
    private final Set<TopicPartition> held = new HashSet<>();
    private int depthRecords;
    private long depthBytes;
    /** Highest {@link #depthBytes} seen since the queue was created. Guarded by lock. */
    private long peakDepthBytes;
    private boolean closed;
    private boolean aborted;

    public BatchQueue(int laneCount, LongSupplier nanoClock) {
        if (laneCount < 1) {
            throw new IllegalArgumentException("A batch queue needs at least 1 lane, got " + laneCount);
        }
        this.nanoClock = nanoClock;
        List<Lane> created = new ArrayList<>(laneCount);
        for (int i = 0; i < laneCount; i++) {
            created.add(new Lane(lock.newCondition()));
        }
        this.lanes = List.copyOf(created);
    }

    /** Returns the lane that serves {@code partition}. */
    public int laneOf(TopicPartition partition) {
        return Math.floorMod(partition.hashCode(), lanes.size());
    }

    /** Appends records in the order given. Records of held partitions and records after {@link #close} are dropped. */
    public void addAll(Iterable<WriterRecord> records) {
        lock.lock();
        try {
            Set<Lane> touched = new HashSet<>();
            for (WriterRecord record : records) {
                if (closed || held.contains(record.partition())) {
                    continue;
                }
                Lane lane = lanes.get(laneOf(record.partition()));
                lane.buffer(record.partition(), nanoClock.getAsLong()).records.add(record);
                depthRecords++;
                depthBytes += record.sizeBytes();
                touched.add(lane);
            }
            peakDepthBytes = Math.max(peakDepthBytes, depthBytes);
            touched.forEach(lane -> lane.ready.signalAll());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next batch of {@code lane}, waiting for records. A partition's records become a batch when there
     * are {@code maxRows} of them, when its oldest queued record has waited {@code linger}, or once the queue is
     * closed. The partition stays in flight until {@link #complete}.
     *
     * @return the batch, or null when the queue is closed and the lane is empty, or when the queue was aborted
     */
    public Batch take(int lane, int maxRows, Duration linger) throws InterruptedException {
        Lane source = lanes.get(lane);
        long lingerNanos = linger.toNanos();
        lock.lockInterruptibly();
        try {
            while (!aborted) {
                long now = nanoClock.getAsLong();
                PartitionBuffer ready = source.nextReady(maxRows, closed ? 0 : lingerNanos, now);
                if (ready != null) {
                    return source.takeBatch(ready, maxRows, now);
                }
                if (closed && source.isEmpty()) {
                    return null;
                }
                long waitNanos = source.nanosUntilReady(lingerNanos, now);
                if (waitNanos == Long.MAX_VALUE) {
                    source.ready.await();
                } else {
                    source.ready.awaitNanos(Math.max(waitNanos, 1));
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Marks {@code batch} as done (written, dead-lettered, stale or abandoned), releasing its records. */
    public void complete(Batch batch) {
        lock.lock();
        try {
            Lane lane = lanes.get(laneOf(batch.partition()));
            PartitionBuffer buffer = lane.buffers.get(batch.partition());
            if (buffer != null && buffer.inFlight == batch) {
                buffer.inFlight = null;
                lane.removeIfUnused(batch.partition());
            }
            depthRecords -= batch.size();
            depthBytes -= batch.sizeBytes();
            changed.signalAll();
            lane.ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the queued records of {@code partitions} and returns how many. In-flight batches are not touched. */
    public int drop(Collection<TopicPartition> partitions) {
        lock.lock();
        try {
            int dropped = 0;
            long droppedBytes = 0;
            for (TopicPartition partition : partitions) {
                Lane lane = lanes.get(laneOf(partition));
                PartitionBuffer buffer = lane.buffers.get(partition);
                if (buffer != null) {
                    dropped += buffer.records.size();
                    droppedBytes += buffer.queuedBytes();
                    buffer.records.clear();
                    lane.removeIfUnused(partition);
                }
            }
            depthRecords -= dropped;
            depthBytes -= droppedBytes;
            changed.signalAll();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the queued records of {@code partition} and every record of it added later, until
     * {@link #releaseHold}. Used when a stale batch showed that the partition must be sought before it is read again.
     */
    public int holdForSeek(TopicPartition partition) {
        lock.lock();
        try {
            held.add(partition);
            return drop(List.of(partition));
        } finally {
            lock.unlock();
        }
    }

    /** Accepts records of {@code partition} again, once the poll thread has sought it. */
    public void releaseHold(TopicPartition partition) {
        lock.lock();
        try {
            held.remove(partition);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until none of {@code partitions} has a batch in flight, at most {@code timeout}. */
    public boolean awaitNotInFlight(Collection<TopicPartition> partitions, Duration timeout)
            throws InterruptedException {
        return awaitCondition(() -> partitions.stream().noneMatch(this::isInFlight), timeout);
    }

    /** Waits until every queued and in-flight record is done, at most {@code timeout}. */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        return awaitCondition(() -> depthRecords == 0, timeout);
    }

    private boolean awaitCondition(BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (!condition.getAsBoolean()) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean isInFlight(TopicPartition partition) {
        PartitionBuffer buffer = lanes.get(laneOf(partition)).buffers.get(partition);
        return buffer != null && buffer.inFlight != null;
    }

    /** Stops accepting records. Writer threads take what is queued without lingering, then get null. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            lanes.forEach(lane -> lane.ready.signalAll());
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting records and makes every {@link #take} return null at once, leaving queued records behind. */
    public void abort() {
        lock.lock();
        try {
            closed = true;
            aborted = true;
            lanes.forEach(lane -> lane.ready.signalAll());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queued plus in-flight records. */
    public int depthRecords() {
        lock.lock();
        try {
            return depthRecords;
        } finally {
            lock.unlock();
        }
    }

    /** Queued plus in-flight bytes, counted as {@link WriterRecord#sizeBytes}. */
    public long depthBytes() {
        lock.lock();
        try {
            return depthBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the highest {@link #depthBytes} since the queue was created. */
    public long peakDepthBytes() {
        lock.lock();
        try {
            return peakDepthBytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the older timestamp of the first in-flight and the first queued record of {@code partition}, if any.
     * Records of a partition arrive roughly in timestamp order, so this is the oldest record not yet written.
     */
    public OptionalLong oldestTimestampMs(TopicPartition partition) {
        lock.lock();
        try {
            PartitionBuffer buffer = lanes.get(laneOf(partition)).buffers.get(partition);
            return buffer == null ? OptionalLong.empty() : buffer.oldestTimestampMs();
        } finally {
            lock.unlock();
        }
    }

    /** One writer thread's share of the queue. All fields guarded by the queue lock. */
    private static final class Lane {
        final Condition ready;
        final LinkedHashMap<TopicPartition, PartitionBuffer> buffers = new LinkedHashMap<>();

        Lane(Condition ready) {
            this.ready = ready;
        }

        PartitionBuffer buffer(TopicPartition partition, long nowNanos) {
            PartitionBuffer buffer = buffers.computeIfAbsent(partition, p -> new PartitionBuffer());
            if (buffer.records.isEmpty()) {
                buffer.firstQueuedNanos = nowNanos;
            }
            return buffer;
        }

        PartitionBuffer nextReady(int maxRows, long lingerNanos, long nowNanos) {
            for (PartitionBuffer buffer : buffers.values()) {
                if (buffer.inFlight != null || buffer.records.isEmpty()) {
                    continue;
                }
                if (buffer.records.size() >= maxRows || nowNanos - buffer.firstQueuedNanos >= lingerNanos) {
                    return buffer;
                }
            }
            return null;
        }

        long nanosUntilReady(long lingerNanos, long nowNanos) {
            long wait = Long.MAX_VALUE;
            for (PartitionBuffer buffer : buffers.values()) {
                if (buffer.inFlight == null && !buffer.records.isEmpty()) {
                    wait = Math.min(wait, buffer.firstQueuedNanos + lingerNanos - nowNanos);
                }
            }
            return wait;
        }

        Batch takeBatch(PartitionBuffer buffer, int maxRows, long nowNanos) {
            List<WriterRecord> records = new ArrayList<>(Math.min(maxRows, buffer.records.size()));
            while (records.size() < maxRows && !buffer.records.isEmpty()) {
                records.add(buffer.records.poll());
            }
            buffer.firstQueuedNanos = nowNanos;
            Batch batch = new Batch(records.get(0).partition(), records);
            buffer.inFlight = batch;
            moveToEnd(batch.partition());
            return batch;
        }

        /** Moves a partition behind the others so the lane serves its partitions round robin. */
        private void moveToEnd(TopicPartition partition) {
            buffers.put(partition, buffers.remove(partition));
        }

        void removeIfUnused(TopicPartition partition) {
            PartitionBuffer buffer = buffers.get(partition);
            if (buffer != null && buffer.inFlight == null && buffer.records.isEmpty()) {
                buffers.remove(partition);
            }
        }

        boolean isEmpty() {
            return buffers.values().stream().allMatch(buffer -> buffer.records.isEmpty());
        }
    }

    /** Queued records and the in-flight batch of one partition. Guarded by the queue lock. */
    private static final class PartitionBuffer {
        final ArrayDeque<WriterRecord> records = new ArrayDeque<>();
        Batch inFlight;
        long firstQueuedNanos;

        long queuedBytes() {
            long bytes = 0;
            for (WriterRecord record : records) {
                bytes += record.sizeBytes();
            }
            return bytes;
        }

        OptionalLong oldestTimestampMs() {
            long oldest = Long.MAX_VALUE;
            if (inFlight != null) {
                oldest = Math.min(oldest, inFlight.records().get(0).timestampMs());
            }
            if (!records.isEmpty()) {
                oldest = Math.min(oldest, records.peek().timestampMs());
            }
            return oldest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(oldest);
        }
    }
}
