package io.sluice.cli.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends NDJSON batches as {@code POST /topics/{topic}} requests on one HTTP/1.1 keep-alive connection, one
 * request at a time, and counts each response. A 503 waits for its {@code Retry-After} before the next
 * request. All methods run on the channel's event loop.
 */
final class HttpLoadHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpLoadHandler.class);
    private static final long MIN_WAIT_NANOS = 100_000;

    private final EventSource source;
    private final PaymentEventGenerator generator;
    private final LoadStats stats;
    private final String hostHeader;
    private final String path;
    private final int batchLines;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private EventSource.Range inFlight;
    private long requestStartNanos;

    HttpLoadHandler(EventSource source, PaymentEventGenerator generator, LoadStats stats, String hostHeader,
                    String topic, int batchLines) {
        this.source = source;
        this.generator = generator;
        this.stats = stats;
        this.hostHeader = hostHeader;
        this.path = "/topics/" + topic;
        this.batchLines = batchLines;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sendNext(ctx);
    }

    private void sendNext(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        EventSource.Range range = source.claim(batchLines);
        if (range == null) {
            long waitNanos = Math.max(MIN_WAIT_NANOS, source.nanosUntilAvailable());
            ctx.executor().schedule(() -> sendNext(ctx), waitNanos, TimeUnit.NANOSECONDS);
            return;
        }
        if (range.count() == 0) {
            ctx.close();
            return;
        }
        send(ctx, range);
    }

    private void send(ChannelHandlerContext ctx, EventSource.Range range) {
        ByteBuf body = ctx.alloc().buffer(range.count() * 256);
        for (int i = 0; i < range.count(); i++) {
            body.writeBytes(generator.line(range.first() + i));
        }
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, body);
        request.headers()
                .set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        inFlight = range;
        requestStartNanos = System.nanoTime();
        ctx.writeAndFlush(request).addListener(future -> {
            if (future.isSuccess()) {
                stats.addSent(range.count());
            }
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        stats.recordResponse(response.status().code(), System.nanoTime() - requestStartNanos);
        String body = response.content().toString(StandardCharsets.UTF_8);
        IngestResponse parsed = IngestResponse.parse(response.status().code(),
                response.headers().get(HttpHeaderNames.RETRY_AFTER), body);
        EventSource.Range range = inFlight;
        inFlight = null;
        if (range != null) {
            account(parsed, range);
        }
        if (!HttpUtil.isKeepAlive(response)) {
            LOG.info("HTTP connection {}: the gateway closed the connection after status {}", ctx.channel().id(),
                    parsed.status());
            ctx.close();
            return;
        }
        scheduleNext(ctx, parsed);
    }

    private void scheduleNext(ChannelHandlerContext ctx, IngestResponse parsed) {
        if (parsed.status() == 503 && parsed.retryAfterSeconds() > 0) {
            ctx.executor().schedule(() -> sendNext(ctx), parsed.retryAfterSeconds(), TimeUnit.SECONDS);
            return;
        }
        sendNext(ctx);
    }

    private void account(IngestResponse response, EventSource.Range range) {
        long acknowledged = 0;
        for (int line = 1; line <= range.count(); line++) {
            if (response.isAcknowledged(line)) {
                stats.ackTracker().markAcknowledged(range.first() + line - 1);
                acknowledged++;
            }
        }
        stats.addAcknowledged(acknowledged);
        stats.addRejected(response.rejectedLines().size());
        stats.addFailed(response.failedLines().size());
        long unaccounted = range.count() - acknowledged - response.rejectedLines().size()
                - response.failedLines().size();
        if (unaccounted > 0) {
            stats.addUnconfirmed(unaccounted);
            LOG.debug("HTTP status {}: {} of {} events unconfirmed", response.status(), unaccounted, range.count());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (inFlight != null) {
            stats.addUnconfirmed(inFlight.count());
            LOG.warn("HTTP connection {} closed while a request of {} events waited for its response",
                    ctx.channel().id(), inFlight.count());
        }
        done.complete(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.addConnectionError();
        LOG.warn("HTTP connection {} failed: {}", ctx.channel().id(), cause.toString());
        ctx.close();
    }
}
