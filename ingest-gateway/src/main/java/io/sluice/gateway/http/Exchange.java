package io.sluice.gateway.http;

import io.netty.handler.codec.http.HttpVersion;
import io.sluice.gateway.kafka.SendTally;
import io.sluice.gateway.ndjson.LineSplitter;

/**
 * State of one HTTP request from its head to its response. Owned by the channel's event loop; only the
 * {@link SendTally} is also updated by the producer I/O thread.
 */
final class Exchange {

    final HttpVersion version;
    final long startNanos;
    boolean keepAlive;
    /** True when the client sent {@code Expect: 100-continue} and waits for a status before sending the body. */
    boolean expectContinue;
    String topic;
    SendTally tally;
    LineSplitter splitter;
    /** True while body bytes are split into lines; false for a rejected request or after the size limit. */
    boolean ingesting;
    boolean bodyTooLarge;
    /** Decoding error that ended the body early, as text for the response, or null. */
    String bodyError;
    long bodyBytes;
    long receiveTimeMs;
    boolean bodyEnded;
    boolean responseWritten;

    Exchange(HttpVersion version, boolean keepAlive, long startNanos) {
        this.version = version;
        this.keepAlive = keepAlive;
        this.startNanos = startNanos;
    }

    void startIngest(String topic, SendTally tally, LineSplitter splitter) {
        this.topic = topic;
        this.tally = tally;
        this.splitter = splitter;
        this.ingesting = true;
    }

    /** Ends line splitting; the final line is delivered first unless {@code dropUnfinished} is set. */
    void stopIngest(boolean dropUnfinished) {
        if (!ingesting) {
            return;
        }
        ingesting = false;
        if (dropUnfinished) {
            splitter.release();
        } else {
            splitter.finish();
        }
    }

    /** True when the body was read but the response is not written yet, so the request waits for acks. */
    boolean awaitingResponse() {
        return bodyEnded && !responseWritten;
    }
}
