package io.sluice.gateway.kafka;

import io.sluice.gateway.ndjson.RejectReason;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts the outcome of every line of one HTTP request or one TCP connection and signals once the input has
 * ended and every send was acknowledged or failed.
 *
 * <p>Thread ownership: {@link #rejected}, {@link #sent} and {@link #inputComplete} run on the channel's event
 * loop; {@link #acked}, {@link #failed} and {@link #rejectedAfterSend} run on the producer I/O thread or, for
 * failures detected inside {@code send()}, on the event loop. All state is guarded by {@code this}. The
 * completion callback runs on whichever thread made the tally complete, so it must hand work to the event loop
 * itself.
 */
public final class SendTally {

    /** One rejected line as reported to an HTTP client. */
    public record Rejection(long lineNumber, RejectReason reason, String detail) {
    }

    /** One line that Kafka failed to write. */
    public record Failure(long lineNumber, String error) {
    }

    private final int maxListedEntries;
    private final List<Rejection> rejections = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private long sentCount;
    private long ackedCount;
    private long failedCount;
    private long rejectedCount;
    private long rejectedAfterSendCount;
    private boolean inputComplete;
    private Runnable onComplete;
    private boolean completed;

    /** Creates a tally that lists at most {@code maxListedEntries} rejections and as many failures. */
    public SendTally(int maxListedEntries) {
        this.maxListedEntries = maxListedEntries;
    }

    public synchronized void rejected(long lineNumber, RejectReason reason, String detail) {
        rejectedCount++;
        if (rejections.size() < maxListedEntries) {
            rejections.add(new Rejection(lineNumber, reason, detail));
        }
    }

    /**
     * Records a line that was handed to the producer but that Kafka rejected for good, such as a record above
     * {@code max.request.size}: it counts as rejected, not failed, and its send is no longer in flight.
     */
    public void rejectedAfterSend(long lineNumber, RejectReason reason, String detail) {
        Runnable callback;
        synchronized (this) {
            rejected(lineNumber, reason, detail);
            rejectedAfterSendCount++;
            callback = completionIfDone();
        }
        run(callback);
    }

    /** Records that a line was handed to the producer. */
    public synchronized void sent() {
        sentCount++;
    }

    public void acked() {
        Runnable callback;
        synchronized (this) {
            ackedCount++;
            callback = completionIfDone();
        }
        run(callback);
    }

    public void failed(long lineNumber, String error) {
        Runnable callback;
        synchronized (this) {
            failedCount++;
            if (failures.size() < maxListedEntries) {
                failures.add(new Failure(lineNumber, error));
            }
            callback = completionIfDone();
        }
        run(callback);
    }

    /**
     * Marks the end of input and registers {@code callback}, which runs exactly once when every send finished,
     * possibly at once on the calling thread.
     */
    public void inputComplete(Runnable callback) {
        Runnable ready;
        synchronized (this) {
            inputComplete = true;
            onComplete = callback;
            ready = completionIfDone();
        }
        run(ready);
    }

    public synchronized long inFlight() {
        return sentCount - ackedCount - failedCount - rejectedAfterSendCount;
    }

    public synchronized boolean isInputComplete() {
        return inputComplete;
    }

    public synchronized long ackedCount() {
        return ackedCount;
    }

    public synchronized long failedCount() {
        return failedCount;
    }

    public synchronized long rejectedCount() {
        return rejectedCount;
    }

    public synchronized List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    public synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }

    public synchronized boolean rejectionsTruncated() {
        return rejectedCount > rejections.size();
    }

    public synchronized boolean failuresTruncated() {
        return failedCount > failures.size();
    }

    private Runnable completionIfDone() {
        if (completed || !inputComplete || inFlight() > 0) {
            return null;
        }
        completed = true;
        return onComplete;
    }

    private static void run(Runnable callback) {
        if (callback != null) {
            callback.run();
        }
    }
}
