package io.sluice.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.gateway.metrics.GatewayMetrics;
import io.sluice.gateway.metrics.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends 408 and closes the connection when a request head is not complete within
 * {@code gateway.request.header.timeout} of its first byte. A client that sends a head one byte at a time keeps
 * the idle timeout from firing, and this timer stops it from keeping the connection forever. The handler sits in
 * front of the codec to see raw reads. {@link HttpIngestHandler} calls {@link #headReceived} when a head was
 * decoded and {@link #awaitNextHead} when the connection waits for the next request. A connection that sends
 * nothing is left to the idle timeout.
 *
 * <p>NOTE: bytes of a pipelined head that arrive in the same read as the previous request do not start the
 * timer; the next read after that request's response does.
 *
 * <p>One instance per channel; every field is owned by the channel's event loop, which also runs the timer.
 */
final class RequestHeadTimeoutHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestHeadTimeoutHandler.class);

    private final Duration timeout;
    private final GatewayMetrics metrics;
    private final byte[] response;
    private boolean awaitingHead = true;
    private ScheduledFuture<?> timer;

    RequestHeadTimeoutHandler(Duration timeout, GatewayMetrics metrics) {
        this.timeout = timeout;
        this.metrics = metrics;
        this.response = timeoutResponse(timeout);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingHead && timer == null && msg instanceof ByteBuf data && data.isReadable()) {
            timer = ctx.executor().schedule(() -> onTimeout(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    /** Stops the timer: a whole head was decoded. */
    void headReceived() {
        awaitingHead = false;
        cancelTimer();
    }

    /** Lets the next byte start the timer: the connection waits for its next request head. */
    void awaitNextHead() {
        awaitingHead = true;
    }

    private void onTimeout(ChannelHandlerContext ctx) {
        timer = null;
        if (!awaitingHead || !ctx.channel().isActive()) {
            return;
        }
        metrics.rejected(Transport.HTTP, GatewayMetrics.REASON_HEADER_TIMEOUT);
        log.debug("HTTP connection {} {}: request head not complete within {} ms ({}); answering 408 and closing",
                ctx.channel().id().asShortText(), ctx.channel().remoteAddress(), timeout.toMillis(),
                GatewayConfig.REQUEST_HEADER_TIMEOUT.name());
        ctx.writeAndFlush(Unpooled.wrappedBuffer(response)).addListener(ChannelFutureListener.CLOSE);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Builds the raw response bytes, written past the codec because the codec contains an unfinished head. */
    private static byte[] timeoutResponse(Duration timeout) {
        String body = "{\"error\":\"request head not complete within " + timeout.toMillis() + " ms ("
                + GatewayConfig.REQUEST_HEADER_TIMEOUT.name() + "); send the whole head without pauses\"}";
        return ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }
}
