package io.sluice.cli.loadgen;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters of one load generator run, updated from the event loops and read by the caller at any time.
 * Events count as acknowledged only when the gateway confirmed them (see {@link IngestResponse} and
 * {@link TcpSummary}).
 */
public final class LoadStats {

    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final LongAdder sentEvents = new LongAdder();
    private final LongAdder acknowledgedEvents = new LongAdder();
    private final LongAdder rejectedEvents = new LongAdder();
    private final LongAdder failedEvents = new LongAdder();
    private final LongAdder unconfirmedEvents = new LongAdder();
    private final LongAdder connectionErrors = new LongAdder();
    private final Map<Integer, LongAdder> responsesByStatus = new ConcurrentHashMap<>();
    private final Recorder requestLatencyMicros = new Recorder(MAX_LATENCY_MICROS, 3);
    private final Histogram latencyTotal = new Histogram(MAX_LATENCY_MICROS, 3);
    private final AckTracker ackTracker = new AckTracker();

    void addSent(long events) {
        sentEvents.add(events);
    }

    void addAcknowledged(long events) {
        acknowledgedEvents.add(events);
    }

    void addRejected(long events) {
        rejectedEvents.add(events);
    }

    void addFailed(long events) {
        failedEvents.add(events);
    }

    /** Counts events sent on a connection that ended without a confirmation from the gateway. */
    void addUnconfirmed(long events) {
        unconfirmedEvents.add(events);
    }

    void addConnectionError() {
        connectionErrors.increment();
    }

    void recordResponse(int status, long latencyNanos) {
        responsesByStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        long micros = Math.min(MAX_LATENCY_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(latencyNanos)));
        requestLatencyMicros.recordValue(micros);
    }

    public long sentEvents() {
        return sentEvents.sum();
    }

    public long acknowledgedEvents() {
        return acknowledgedEvents.sum();
    }

    public long rejectedEvents() {
        return rejectedEvents.sum();
    }

    public long failedEvents() {
        return failedEvents.sum();
    }

    public long unconfirmedEvents() {
        return unconfirmedEvents.sum();
    }

    public long connectionErrors() {
        return connectionErrors.sum();
    }

    public AckTracker ackTracker() {
        return ackTracker;
    }

    /** Returns the number of HTTP responses per status code, sorted by status. */
    public Map<Integer, Long> responsesByStatus() {
        Map<Integer, Long> counts = new TreeMap<>();
        responsesByStatus.forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }

    /** Returns every HTTP request latency recorded so far, in microseconds. */
    public synchronized Histogram requestLatencyMicros() {
        latencyTotal.add(requestLatencyMicros.getIntervalHistogram());
        return latencyTotal.copy();
    }
}
