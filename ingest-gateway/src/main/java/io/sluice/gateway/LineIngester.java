package io.sluice.gateway;

import io.sluice.common.logging.RateLimitedLogger;
import io.sluice.gateway.kafka.NonBlockingProducer;
import io.sluice.gateway.kafka.RecordFactory;
import io.sluice.gateway.kafka.SendTally;
import io.sluice.gateway.metrics.GatewayMetrics;
import io.sluice.gateway.metrics.Transport;
import io.sluice.gateway.ndjson.LineValidator;
import io.sluice.gateway.ndjson.LineVerdict;
import io.sluice.gateway.ndjson.RejectReason;
import java.time.Duration;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.LoggerFactory;

/**
 * Validates one line and hands it to the producer, recording the outcome in the caller's {@link SendTally} and
 * in the metrics. Shared by the HTTP and TCP handlers; thread-safe.
 */
public final class LineIngester {

    private static final RateLimitedLogger sendFailureLog =
            new RateLimitedLogger(LoggerFactory.getLogger(LineIngester.class), Duration.ofSeconds(10));

    private final NonBlockingProducer producer;
    private final LineValidator validator;
    private final RecordFactory recordFactory;
    private final GatewayMetrics metrics;

    public LineIngester(NonBlockingProducer producer, LineValidator validator, RecordFactory recordFactory,
                        GatewayMetrics metrics) {
        this.producer = producer;
        this.validator = validator;
        this.recordFactory = recordFactory;
        this.metrics = metrics;
    }

    /** Validates and sends {@code line}; returns the verdict so the caller can log a rejection with its identity. */
    public LineVerdict ingest(Transport transport, String topic, byte[] line, long lineNumber, long receiveTimeMs,
                              SendTally tally) {
        LineVerdict verdict = validator.validate(line);
        if (!verdict.isAccepted()) {
            reject(transport, lineNumber, verdict.reason(), verdict.detail(), tally);
            return verdict;
        }
        GatewayMetrics.TopicCounters counters = metrics.topic(transport, topic);
        counters.received().increment();
        tally.sent();
        producer.send(recordFactory.create(topic, verdict.key(), line, receiveTimeMs),
                completion(transport, counters, topic, lineNumber, line.length, tally));
        return verdict;
    }

    /** Records a rejected line in {@code tally} and the rejected counter. */
    public void reject(Transport transport, long lineNumber, RejectReason reason, String detail, SendTally tally) {
        metrics.rejected(transport, reason.label());
        tally.rejected(lineNumber, reason, detail);
    }

    /** Receive time to stamp on the lines of one read. */
    public long receiveTimeMs() {
        return recordFactory.receiveTimeMs();
    }

    private Callback completion(Transport transport, GatewayMetrics.TopicCounters counters, String topic,
                                long lineNumber, int lineBytes, SendTally tally) {
        return (metadata, exception) -> {
            if (exception == null) {
                counters.acked().increment();
                tally.acked();
            } else if (exception instanceof RecordTooLargeException) {
                // Raised by the producer (max.request.size, buffer.memory) or the broker (message.max.bytes):
                // sending the same line again can never succeed, so it is the client's error, not a failure.
                metrics.rejected(transport, RejectReason.TOO_LONG.label());
                tally.rejectedAfterSend(lineNumber, RejectReason.TOO_LONG, "line is " + lineBytes
                        + " bytes, but its Kafka record with its key is larger than Kafka accepts ("
                        + exception.getMessage() + "); send a shorter line or a shorter key");
            } else {
                counters.failed().increment();
                String error = exception.getClass().getSimpleName() + ": " + exception.getMessage();
                sendFailureLog.warn("Kafka failed a record for topic {}: {}", topic, error);
                tally.failed(lineNumber, error);
            }
        };
    }
}
