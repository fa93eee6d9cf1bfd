package io.sluice.writer.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at start that the topics to consume exist. Without it a writer subscribed to a missing topic starts, reports
 * ready and writes nothing.
 */
public final class TopicCheck {
    private static final Logger LOG = LoggerFactory.getLogger(TopicCheck.class);
    private static final long MAX_REQUEST_TIMEOUT_MS = 5_000;
    private static final long RETRY_INTERVAL_MS = 500;

    private final Admin admin;
    private final LongSupplier nanoClock;

    public TopicCheck(Admin admin, LongSupplier nanoClock) {
        this.admin = admin;
        this.nanoClock = nanoClock;
    }

    /**
     * Waits until every topic of {@code topics} exists, at most {@code timeout}, so a writer started together with
     * the job that creates the topics does not fail.
     *
     * @throws IllegalStateException naming the missing topics, or the last error when every request to Kafka failed
     */
    public void requireTopics(List<String> topics, Duration timeout, String groupId) {
        long deadlineNanos = nanoClock.getAsLong() + timeout.toNanos();
        // Missing topics according to the last successful listing, or null while every listing has failed.
        List<String> missing = null;
        Exception lastError = null;
        boolean loggedWait = false;
        while (true) {
            try {
                missing = missingTopics(topics, remainingMs(deadlineNanos));
                if (missing.isEmpty()) {
                    LOG.info("Group {} found topics {} in Kafka", groupId, topics);
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                lastError = e;
            }
            if (remainingMs(deadlineNanos) <= 0) {
                throw failure(topics, missing, lastError, timeout);
            }
            if (!loggedWait && missing != null) {
                LOG.info("Group {} waiting up to {} ms for topics {} to exist in Kafka", groupId, timeout.toMillis(),
                        missing);
                loggedWait = true;
            }
            sleep(Math.min(RETRY_INTERVAL_MS, remainingMs(deadlineNanos)));
        }
    }

    private List<String> missingTopics(List<String> topics, long remainingMs)
            throws ExecutionException, TimeoutException {
        long requestTimeoutMs = Math.max(1, Math.min(MAX_REQUEST_TIMEOUT_MS, remainingMs));
        ListTopicsOptions options = new ListTopicsOptions().timeoutMs((int) requestTimeoutMs);
        try {
            Set<String> existing = admin.listTopics(options).names().get(requestTimeoutMs + 1_000,
                    TimeUnit.MILLISECONDS);
            List<String> missing = new ArrayList<>(topics);
            missing.removeAll(existing);
            return missing;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking that topics " + topics + " exist", e);
        }
    }

    private static IllegalStateException failure(List<String> topics, List<String> missing, Exception lastError,
            Duration timeout) {
        if (missing == null) {
            Throwable cause = lastError instanceof ExecutionException ? lastError.getCause() : lastError;
            return new IllegalStateException("Could not list the topics of Kafka within " + timeout.toMillis()
                    + " ms to check writer.topics " + topics + ": " + cause + "; check kafka.bootstrap.servers and "
                    + "that Kafka is running", cause);
        }
        return new IllegalStateException("Topics " + missing + " of writer.topics do not exist in Kafka (waited "
                + timeout.toMillis() + " ms, writer.topics.ready.timeout): create them, for example with "
                + "kafka-topics.sh --create, or fix writer.topics");
    }

    private long remainingMs(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - nanoClock.getAsLong());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka topics to exist", e);
        }
    }
}
