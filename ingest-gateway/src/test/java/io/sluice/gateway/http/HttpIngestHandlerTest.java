package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.gateway.IngestContext;
import io.sluice.gateway.LineIngester;
import io.sluice.gateway.backpressure.ConnectionLimiter;
import io.sluice.gateway.backpressure.ReadGate;
import io.sluice.gateway.config.IngestOptions;
import io.sluice.gateway.kafka.NonBlockingProducer;
import io.sluice.gateway.kafka.RecordFactory;
import io.sluice.gateway.metrics.GatewayMetrics;
import io.sluice.gateway.ndjson.LineValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpIngestHandlerTest {

    private static final long NOW_MS = 1_700_000_000_000L;
    private static final String NDJSON = "application/x-ndjson";

    private final MockProducer<byte[], byte[]> mock =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final ReadGate gate = new ReadGate(System::nanoTime);
    private final NonBlockingProducer producer = new NonBlockingProducer(mock, gate, 0.5, () -> { });
    private final IngestOptions options = new IngestOptions(Set.of("events"), "events", "id", 1024, 0, 10,
            Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(30), 0.5);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry, options.topics());
    private final IngestContext context = new IngestContext(options, new LineIngester(producer,
            new LineValidator("id"), new RecordFactory(Clock.fixed(Instant.ofEpochMilli(NOW_MS), ZoneOffset.UTC)),
            metrics), gate, new ConnectionLimiter(10), metrics,
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new FlowControlHandler(), new HttpIngestHandler(context));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        producer.close(Duration.ofSeconds(1));
    }

    @Test
    void responseWaitsForAcksAndHoldsNextRequest() {
        channel.writeInbound(post(), content("{\"id\":\"a\"}\n{\"id\":2}"), new DefaultLastHttpContent(),
                post(), content("{\"id\":\"next\"}\n"), new DefaultLastHttpContent());

        assertThat(mock.history()).hasSize(2);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.config().isAutoRead()).isFalse();

        mock.completeNext();
        channel.runPendingTasks();
        assertThat((Object) channel.readOutbound()).isNull();
        mock.completeNext();
        channel.runPendingTasks();

        assertThat(readBody()).isEqualTo("{\"written\":2}");
        channel.runPendingTasks();
        assertThat(mock.history()).hasSize(3);
        mock.completeNext();
        channel.runPendingTasks();
        assertThat(readBody()).isEqualTo("{\"written\":1}");
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void recordCarriesKeyValueAndReceiveTime() {
        channel.writeInbound(post(), content("{\"id\":\"a\",\"v\":1}\r\n"), new DefaultLastHttpContent());

        assertThat(mock.history()).hasSize(1);
        assertThat(new String(mock.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("a");
        assertThat(new String(mock.history().get(0).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"a\",\"v\":1}");
        assertThat(mock.history().get(0).timestamp()).isEqualTo(NOW_MS);
        assertThat(mock.history().get(0).topic()).isEqualTo("events");
    }

    @Test
    void failedSendGives503WithRetryAfter() {
        channel.writeInbound(post(), content("{\"n\":1}\n{\"n\":2}\n"), new DefaultLastHttpContent());
        mock.completeNext();
        mock.errorNext(new org.apache.kafka.common.errors.TimeoutException("expired in test"));
        channel.runPendingTasks();

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(503);
            assertThat(response.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("5");
            String body = response.content().toString(StandardCharsets.UTF_8);
            assertThat(body).contains("\"written\":1").contains("\"line\":2").contains("expired in test");
        } finally {
            response.release();
        }
    }

    @Test
    void invalidChunkGets400AndCloses() {
        EmbeddedChannel wire = new EmbeddedChannel(new HttpServerCodec(), new FlowControlHandler(),
                new HttpIngestHandler(context));
        String request = "POST /topics/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n8\r\n{\"n\":1}\n\r\nzz\r\n{\"n\":2}\n\r\n0\r\n\r\n";

        wire.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        mock.completeNext();
        wire.runPendingTasks();

        ByteBuf output = wire.readOutbound();
        try {
            String response = output.toString(StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response).contains("\"written\":1").contains("invalid HTTP body");
        } finally {
            output.release();
        }
        wire.runPendingTasks();
        assertThat(wire.isOpen()).isFalse();
        assertThat(mock.history()).hasSize(1);
        wire.finishAndReleaseAll();
    }

    @Test
    void headsAnsweredWhilePaused() {
        EmbeddedChannel wire = wireRegisteredWithGate();
        try {
            pause(wire);
            assertThat(wire.config().isAutoRead()).isTrue();

            assertThat(send(wire, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 404");
            assertThat(send(wire, head("POST", "/topics/other", "application/x-ndjson", 8) + "{\"n\":1}\n"))
                    .startsWith("HTTP/1.1 404").contains("is not in gateway.topics");
            assertThat(send(wire, head("POST", "/topics/events", "text/csv", 4) + "a,b\n"))
                    .startsWith("HTTP/1.1 415");
            assertThat(send(wire, head("PUT", "/topics/events", "application/x-ndjson", 0)))
                    .startsWith("HTTP/1.1 405");

            assertThat(mock.history()).isEmpty();
            assertThat(wire.config().isAutoRead()).isTrue();
            assertThat(wire.isOpen()).isTrue();
            assertThat(gate.pauseCount()).isEqualTo(1);
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    @Test
    void ingestHeadWhilePausedWaitsForResume() {
        EmbeddedChannel wire = wireRegisteredWithGate();
        try {
            pause(wire);
            String body = "{\"id\":\"a\"}\n{\"id\":\"b\"}\n";

            assertThat(send(wire, head("POST", "/topics/events", NDJSON, body.length()) + body)).isEmpty();
            assertThat(wire.config().isAutoRead()).isFalse();
            assertThat(mock.history()).isEmpty();

            resume(wire);
            assertThat(mock.history()).hasSize(2);
            assertThat(drainOutbound(wire)).isEmpty();

            // The response waits for acks under a per-channel hold, which a new pause must not lift or double.
            pause(wire);
            assertThat(wire.config().isAutoRead()).isFalse();
            mock.completeNext();
            mock.completeNext();
            wire.runPendingTasks();

            assertThat(drainOutbound(wire)).startsWith("HTTP/1.1 200").contains("\r\n\r\n{\"written\":2}");
            assertThat(wire.config().isAutoRead()).isTrue();
            assertThat(send(wire, "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 404");
            assertThat(gate.pauseCount()).isEqualTo(2);
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    @Test
    void bodyInProgressStopsAtPause() {
        EmbeddedChannel wire = wireRegisteredWithGate();
        try {
            String first = "{\"id\":\"a\"}\n";
            String second = "{\"id\":\"b\"}\n";
            send(wire, head("POST", "/topics/events", NDJSON, first.length() + second.length()) + first);
            assertThat(mock.history()).hasSize(1);

            pause(wire);
            assertThat(wire.config().isAutoRead()).isFalse();
            send(wire, second);
            assertThat(mock.history()).hasSize(1);

            resume(wire);
            assertThat(mock.history()).hasSize(2);
            mock.completeNext();
            mock.completeNext();
            wire.runPendingTasks();
            assertThat(drainOutbound(wire)).startsWith("HTTP/1.1 200").contains("\r\n\r\n{\"written\":2}");
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    @Test
    void headOverCodecLimitWhilePausedGets400() {
        EmbeddedChannel wire = wireRegisteredWithGate();
        try {
            pause(wire);
            String request = "POST /topics/events HTTP/1.1\r\nHost: x\r\nX-Pad: " + "p".repeat(20_000)
                    + "\r\n\r\n";

            assertThat(send(wire, request)).startsWith("HTTP/1.1 400");
            wire.runPendingTasks();
            assertThat(wire.isOpen()).isFalse();
            assertThat(mock.history()).isEmpty();
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    @Test
    void idleCloseWhilePausedSparesWaitingBody() {
        EmbeddedChannel between = wireRegisteredWithGate();
        EmbeddedChannel waiting = wireRegisteredWithGate();
        try {
            pause(between);
            waiting.runPendingTasks();
            String body = "{\"id\":\"a\"}\n";
            send(waiting, head("POST", "/topics/events", NDJSON, body.length()) + body);

            between.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
            waiting.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
            between.runPendingTasks();
            waiting.runPendingTasks();

            assertThat(between.isOpen()).as("connection idle between requests").isFalse();
            assertThat(waiting.isOpen()).as("connection whose body waits for the pause to end").isTrue();
        } finally {
            between.finishAndReleaseAll();
            waiting.finishAndReleaseAll();
        }
    }

    @Test
    void slowRequestHeadGets408AndCloses() {
        EmbeddedChannel wire = wireWithHeadTimeout();
        try {
            assertThat(send(wire, "POST /topics/ev")).isEmpty();
            wire.advanceTimeBy(29, TimeUnit.SECONDS);
            assertThat(send(wire, "ents HTTP/1.1\r\nHost: x\r\n")).isEmpty();

            wire.advanceTimeBy(2, TimeUnit.SECONDS);
            wire.runScheduledPendingTasks();
            wire.runPendingTasks();

            String response = drainOutbound(wire);
            assertThat(response).startsWith("HTTP/1.1 408").contains("gateway.request.header.timeout");
            assertThat(wire.isOpen()).isFalse();
            assertThat(rejectedCount("header_timeout")).isEqualTo(1.0);
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    @Test
    void headTimerOnlyRunsWhileHeadArrives() {
        EmbeddedChannel wire = wireWithHeadTimeout();
        try {
            String body = "{\"id\":\"a\"}\n";
            assertThat(send(wire, head("POST", "/topics/events", NDJSON, body.length()))).isEmpty();
            wire.advanceTimeBy(40, TimeUnit.SECONDS);
            wire.runScheduledPendingTasks();
            send(wire, body);
            mock.completeNext();
            wire.runPendingTasks();
            assertThat(drainOutbound(wire)).startsWith("HTTP/1.1 200");

            wire.advanceTimeBy(40, TimeUnit.SECONDS);
            wire.runScheduledPendingTasks();
            assertThat(drainOutbound(wire)).as("output of a connection idle between requests").isEmpty();
            assertThat(wire.isOpen()).isTrue();

            send(wire, "G");
            wire.advanceTimeBy(31, TimeUnit.SECONDS);
            wire.runScheduledPendingTasks();
            assertThat(drainOutbound(wire)).startsWith("HTTP/1.1 408");
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    @Test
    void undecodableHeadsGetPlainMessages() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Content-Length: 5\r\nContent-Length: 6", "invalid Content-Length header");
        expected.put("Content-Length: five", "invalid Content-Length header");
        expected.put("Transfer-Encoding: chunked\r\nContent-Length: 6", "invalid Content-Length header");
        expected.put("Bad Name: x", "malformed request head");
        expected.put("X-Pad: " + "p".repeat(20_000), "request headers longer than 16384 bytes");
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            EmbeddedChannel wire = wireRegisteredWithGate();
            try {
                String response = send(wire, "POST /topics/events HTTP/1.1\r\nHost: x\r\n" + entry.getKey()
                        + "\r\n\r\n");

                assertThat(response).as("response to %s", entry.getValue()).startsWith("HTTP/1.1 400")
                        .contains("invalid HTTP request: " + entry.getValue())
                        .doesNotContain("Exception").doesNotContain("io.netty");
            } finally {
                wire.finishAndReleaseAll();
            }
        }
    }

    @Test
    void invalidChunkSizeMessageIsPlain() {
        EmbeddedChannel wire = wireRegisteredWithGate();
        try {
            String response = send(wire, "POST /topics/events HTTP/1.1\r\nHost: x\r\nContent-Type: " + NDJSON
                    + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");

            assertThat(response).startsWith("HTTP/1.1 400").contains("invalid HTTP body: invalid chunk size")
                    .doesNotContain("Exception");
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel wireWithHeadTimeout() {
        EmbeddedChannel wire = new EmbeddedChannel(new RequestHeadTimeoutHandler(Duration.ofSeconds(30), metrics),
                HttpIngestInitializer.newCodec(), new FlowControlHandler(), new HttpIngestHandler(context));
        gate.register(wire, ReadGate.PauseScope.REQUEST_BODIES);
        return wire;
    }

    private double rejectedCount(String reason) {
        return registry.get(GatewayMetrics.EVENTS_REJECTED).tag("reason", reason).counter().count();
    }

    private EmbeddedChannel wireRegisteredWithGate() {
        EmbeddedChannel wire = new EmbeddedChannel(HttpIngestInitializer.newCodec(), new FlowControlHandler(),
                new HttpIngestHandler(context));
        gate.register(wire, ReadGate.PauseScope.REQUEST_BODIES);
        return wire;
    }

    private void pause(EmbeddedChannel wire) {
        gate.pause();
        wire.runPendingTasks();
        assertThat(gate.isPaused()).isTrue();
    }

    private void resume(EmbeddedChannel wire) {
        gate.resume();
        wire.runPendingTasks();
        assertThat(gate.isPaused()).isFalse();
    }

    private static String head(String method, String path, String contentType, int contentLength) {
        return method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /** Writes raw request bytes, runs the event loop and returns every response byte written since. */
    private static String send(EmbeddedChannel wire, String bytes) {
        wire.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.UTF_8));
        wire.runPendingTasks();
        return drainOutbound(wire);
    }

    private static String drainOutbound(EmbeddedChannel wire) {
        StringBuilder output = new StringBuilder();
        ByteBuf buffer;
        while ((buffer = wire.readOutbound()) != null) {
            try {
                output.append(buffer.toString(StandardCharsets.UTF_8));
            } finally {
                buffer.release();
            }
        }
        return output.toString();
    }

    private static HttpRequest post() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/topics/events");
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
        return request;
    }

    private static DefaultHttpContent content(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private String readBody() {
        FullHttpResponse response = channel.readOutbound();
        assertThat(response).isNotNull();
        try {
            return response.content().toString(StandardCharsets.UTF_8).trim();
        } finally {
            response.release();
        }
    }
}
