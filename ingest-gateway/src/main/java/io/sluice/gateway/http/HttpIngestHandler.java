package io.sluice.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.sluice.common.logging.RateLimitedLogger;
import io.sluice.gateway.DrainEvent;
import io.sluice.gateway.IngestContext;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.gateway.config.IngestOptions;
import io.sluice.gateway.kafka.SendTally;
import io.sluice.gateway.metrics.GatewayMetrics;
import io.sluice.gateway.metrics.Transport;
import io.sluice.gateway.ndjson.LineSplitter;
import io.sluice.gateway.ndjson.LineValidator;
import io.sluice.gateway.ndjson.LineVerdict;
import io.sluice.gateway.ndjson.RejectReason;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams {@code POST /topics/{topic}} NDJSON bodies into Kafka line by line and responds once every accepted
 * line was acknowledged or failed. A request that cannot be ingested gets its error response right after the
 * head, and its body is read and dropped without buffering. While a response waits for acks, the channel's reads
 * stay held, so the next request on a keep-alive connection is read only after the response was written.
 * While the producer buffer is full, the connection still reads request heads and responds to those that need no
 * producer. An accepted ingest head stops its reads until the pause ends, so its body is read only when the
 * producer has room. The handler sends 100 Continue for {@code Expect: 100-continue} only after the head passed
 * every check. A request that will be rejected gets its final status instead, and the connection closes after it
 * because the client may never send the announced body.
 *
 * <p>One instance per channel; every field is owned by the channel's event loop.
 */
final class HttpIngestHandler extends ChannelInboundHandlerAdapter implements LineSplitter.Listener {

    static final String NDJSON_MEDIA_TYPE = "application/x-ndjson";

    private static final Logger log = LoggerFactory.getLogger(HttpIngestHandler.class);
    private static final RateLimitedLogger rateLimitedLog = new RateLimitedLogger(log, Duration.ofSeconds(10));

    private final IngestContext context;
    private final IngestOptions options;
    /** The channel's head timer, or null in a pipeline without one. */
    private RequestHeadTimeoutHandler headTimeout;
    private Exchange exchange;

    HttpIngestHandler(IngestContext context) {
        this.context = context;
        this.options = context.options();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        headTimeout = ctx.pipeline().get(RequestHeadTimeoutHandler.class);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (msg instanceof HttpRequest request) {
                onRequest(ctx, request);
            }
            if (msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void onLine(ByteBuf line, long lineNumber) {
        byte[] bytes = ByteBufUtil.getBytes(line);
        if (lineNumber == 1) {
            bytes = LineValidator.stripByteOrderMark(bytes);
        }
        if (LineValidator.isBlank(bytes)) {
            return;
        }
        LineVerdict verdict = context.ingester().ingest(Transport.HTTP, exchange.topic, bytes, lineNumber,
                exchange.receiveTimeMs, exchange.tally);
        if (!verdict.isAccepted() && log.isDebugEnabled()) {
            log.debug("Rejected line {} of a request to topic {}: {} ({})", lineNumber, exchange.topic,
                    verdict.reason().label(), verdict.detail());
        }
    }

    @Override
    public void onTooLong(long lineNumber, long lengthBytes) {
        context.ingester().reject(Transport.HTTP, lineNumber, RejectReason.TOO_LONG, "line is " + lengthBytes
                + " bytes, above the limit gateway.max.line.bytes=" + options.maxLineBytes(), exchange.tally);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            closeIfIdle(ctx);
        } else if (event instanceof DrainEvent) {
            drain(ctx);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (exchange != null) {
            exchange.stopIngest(true);
            if (!exchange.responseWritten) {
                log.debug("HTTP connection {} {} closed before its request to topic {} got a response",
                        ctx.channel().id().asShortText(), ctx.channel().remoteAddress(), exchange.topic);
            }
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("Closing HTTP connection {} {} after an I/O error: {}", ctx.channel().id().asShortText(),
                    ctx.channel().remoteAddress(), String.valueOf(cause));
        } else {
            rateLimitedLog.warn("Closing HTTP connection {} {} after an error: {}", ctx.channel().id().asShortText(),
                    ctx.channel().remoteAddress(), String.valueOf(cause));
            context.metrics().rejected(Transport.HTTP, GatewayMetrics.REASON_BAD_REQUEST);
        }
        ctx.close();
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        if (exchange != null && !exchange.keepAlive) {
            // The exchange in progress closes the connection, so a request pipelined behind it gets no response.
            return;
        }
        if (headTimeout != null) {
            headTimeout.headReceived();
        }
        boolean http1 = request.protocolVersion().majorVersion() == 1;
        exchange = new Exchange(http1 ? request.protocolVersion() : HttpVersion.HTTP_1_1,
                http1 && HttpUtil.isKeepAlive(request), System.nanoTime());
        exchange.expectContinue = HttpUtil.is100ContinueExpected(request);
        if (request.decoderResult().isFailure()) {
            rejectUndecodableHead(ctx, request);
        } else if (!http1) {
            rejectVersion(ctx, request);
        } else if (context.isDraining()) {
            exchange.keepAlive = false;
            endBeforeBodyIfExpected();
            sendResponse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    ResponseBodies.error("the gateway is shutting down; send the request again"));
        } else {
            String topic = routeTopic(ctx, request);
            if (topic != null) {
                startIngest(ctx, topic);
            }
        }
    }

    private void startIngest(ChannelHandlerContext ctx, String topic) {
        SendTally tally = new SendTally(IngestOptions.MAX_LISTED_LINES);
        exchange.startIngest(topic, tally, new LineSplitter(options.maxLineBytes(), ctx.alloc(), this));
        if (exchange.expectContinue) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        context.readGate().startBody(ctx.channel());
        if (log.isDebugEnabled() && context.readGate().isPaused()) {
            log.debug("HTTP connection {} {}: request to topic {} waits for the producer buffer to drain before"
                    + " its body is read", ctx.channel().id().asShortText(), ctx.channel().remoteAddress(), topic);
        }
    }

    private void rejectUndecodableHead(ChannelHandlerContext ctx, HttpRequest request) {
        // The codec drops every byte after a decoding failure, so no LastHttpContent may follow. The exchange
        // therefore counts the body as ended, and the connection closes once the response is written.
        exchange.keepAlive = false;
        exchange.bodyEnded = true;
        Throwable cause = request.decoderResult().cause();
        log.debug("HTTP connection {} {}: request head could not be decoded", ctx.channel().id().asShortText(),
                ctx.channel().remoteAddress(), cause);
        reject(ctx, HttpResponseStatus.BAD_REQUEST, GatewayMetrics.REASON_BAD_REQUEST,
                "invalid HTTP request: " + HttpDecodeErrors.describeHead(request, cause));
    }

    /** Rejects a request of another HTTP major version, such as the HTTP/2 preface, with 505 in HTTP/1.1. */
    private void rejectVersion(ChannelHandlerContext ctx, HttpRequest request) {
        exchange.keepAlive = false;
        exchange.bodyEnded = true;
        HttpVersion version = request.protocolVersion();
        String message = version.majorVersion() == 2
                ? "HTTP/2 is not supported yet; send HTTP/1.1 requests"
                : version.text() + " is not supported; send HTTP/1.1 requests";
        reject(ctx, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, GatewayMetrics.REASON_BAD_REQUEST, message);
    }

    /**
     * Returns the topic of a request that can be ingested; otherwise sends the error response and returns null.
     * A malformed path under {@code /topics/} gets 400, a well-formed topic name that is not allowed gets 404.
     */
    private String routeTopic(ChannelHandlerContext ctx, HttpRequest request) {
        String uri = request.uri();
        if (!TopicPath.isTopicsPath(uri)) {
            reject(ctx, HttpResponseStatus.NOT_FOUND, GatewayMetrics.REASON_BAD_REQUEST,
                    "no resource at " + uri + "; send NDJSON with POST " + TopicPath.PREFIX + "{topic}");
            return null;
        }
        if (!HttpMethod.POST.equals(request.method())) {
            reject(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, GatewayMetrics.REASON_BAD_REQUEST,
                    "method " + request.method() + " is not allowed on " + uri + "; use POST");
            return null;
        }
        TopicPath.Parsed path = TopicPath.parse(uri);
        if (!path.isValid()) {
            reject(ctx, HttpResponseStatus.BAD_REQUEST, GatewayMetrics.REASON_BAD_REQUEST, path.error());
        } else if (!options.topics().contains(path.topic())) {
            reject(ctx, HttpResponseStatus.NOT_FOUND, GatewayMetrics.REASON_UNKNOWN_TOPIC,
                    "topic '" + path.topic() + "' is not in " + GatewayConfig.TOPICS.name() + "; allowed topics: "
                            + String.join(",", options.topics()));
        } else if (!isNdjson(request)) {
            reject(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, GatewayMetrics.REASON_UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be " + NDJSON_MEDIA_TYPE + ", was "
                            + request.headers().get(HttpHeaderNames.CONTENT_TYPE));
        } else {
            return path.topic();
        }
        return null;
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (exchange == null) {
            return;
        }
        ByteBuf data = content.content();
        context.metrics().receivedBytes(Transport.HTTP, data.readableBytes());
        boolean bodyFailed = content.decoderResult().isFailure() && exchange.tally != null;
        if (bodyFailed) {
            // The codec drops every byte after a decoding failure, so no LastHttpContent may follow.
            onBodyDecodeFailure(ctx, content.decoderResult().cause());
        } else if (exchange.ingesting) {
            feedBody(ctx, data);
        }
        if (bodyFailed || content instanceof LastHttpContent) {
            onBodyEnd(ctx);
        }
    }

    private void feedBody(ChannelHandlerContext ctx, ByteBuf data) {
        int length = data.readableBytes();
        exchange.bodyBytes += length;
        exchange.receiveTimeMs = context.ingester().receiveTimeMs();
        long maxRequestBytes = options.maxRequestBytes();
        if (maxRequestBytes > 0 && exchange.bodyBytes > maxRequestBytes) {
            int allowed = (int) (length - (exchange.bodyBytes - maxRequestBytes));
            exchange.splitter.feed(data.slice(data.readerIndex(), allowed));
            stopForSizeLimit(ctx);
            return;
        }
        exchange.splitter.feed(data);
    }

    /** Stops reading lines at {@code gateway.max.request.bytes}; the response is 413 once the acks are in. */
    private void stopForSizeLimit(ChannelHandlerContext ctx) {
        exchange.bodyTooLarge = true;
        exchange.stopIngest(true);
        context.metrics().rejected(Transport.HTTP, RejectReason.TOO_LONG.label());
        awaitAcks(ctx, exchange);
    }

    /** Stops ingesting at an undecodable chunk; the response is 400 and the connection closes after it. */
    private void onBodyDecodeFailure(ChannelHandlerContext ctx, Throwable cause) {
        exchange.keepAlive = false;
        exchange.bodyError = "invalid HTTP body: " + HttpDecodeErrors.describeBody(cause);
        context.metrics().rejected(Transport.HTTP, GatewayMetrics.REASON_BAD_REQUEST);
        log.debug("HTTP connection {} {}: {}", ctx.channel().id().asShortText(), ctx.channel().remoteAddress(),
                exchange.bodyError, cause);
        exchange.stopIngest(true);
    }

    private void onBodyEnd(ChannelHandlerContext ctx) {
        Exchange current = exchange;
        current.bodyEnded = true;
        if (current.ingesting) {
            current.stopIngest(false);
            awaitAcks(ctx, current);
        } else if (current.bodyError != null && !current.bodyTooLarge) {
            awaitAcks(ctx, current);
        }
        if (current.responseWritten) {
            finishExchange(ctx, current);
        } else {
            context.readGate().hold(ctx.channel());
        }
    }

    private void awaitAcks(ChannelHandlerContext ctx, Exchange current) {
        current.tally.inputComplete(() -> ctx.executor().execute(() -> respondWithOutcome(ctx, current)));
    }

    private void respondWithOutcome(ChannelHandlerContext ctx, Exchange current) {
        SendTally tally = current.tally;
        HttpResponseStatus status;
        String error = null;
        if (current.bodyError != null) {
            status = HttpResponseStatus.BAD_REQUEST;
            error = current.bodyError + "; lines after the invalid part were not read";
        } else if (current.bodyTooLarge) {
            status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            error = "request body exceeds gateway.max.request.bytes=" + options.maxRequestBytes()
                    + "; lines after that byte were not read; send the rest in another request";
        } else if (tally.failedCount() > 0) {
            status = HttpResponseStatus.SERVICE_UNAVAILABLE;
        } else if (tally.rejectedCount() > 0) {
            status = HttpResponseStatus.BAD_REQUEST;
        } else {
            status = HttpResponseStatus.OK;
        }
        sendResponse(ctx, current, status, ResponseBodies.outcome(tally, error));
    }

    /** Sends the error response for a request rejected at its head, before any body byte was read. */
    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String reason, String message) {
        endBeforeBodyIfExpected();
        context.metrics().rejected(Transport.HTTP, reason);
        log.debug("HTTP connection {} {}: {} {}", ctx.channel().id().asShortText(), ctx.channel().remoteAddress(),
                status.code(), message);
        sendResponse(ctx, status, ResponseBodies.error(message));
    }

    /**
     * Closes the connection after the response when the client waits for 100 Continue: it may never send the
     * announced body, so reading on would take its next request for body bytes.
     */
    private void endBeforeBodyIfExpected() {
        if (exchange.expectContinue) {
            exchange.keepAlive = false;
            exchange.bodyEnded = true;
        }
    }

    private void sendResponse(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body) {
        sendResponse(ctx, exchange, status, body);
    }

    private void sendResponse(ChannelHandlerContext ctx, Exchange current, HttpResponseStatus status, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(current.version, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(response, body.length);
        if (status.code() == HttpResponseStatus.SERVICE_UNAVAILABLE.code()) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, options.retryAfterSeconds());
        }
        if (status.code() == HttpResponseStatus.METHOD_NOT_ALLOWED.code()) {
            response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
        }
        boolean keepAlive = current.keepAlive && !context.isDraining();
        HttpUtil.setKeepAlive(response.headers(), current.version, keepAlive);
        context.metrics().httpRequest(status.code(), Duration.ofNanos(System.nanoTime() - current.startNanos));
        ChannelFuture write = ctx.writeAndFlush(response);
        write.addListener(future -> afterResponse(ctx, current, future.isSuccess()));
    }

    private void afterResponse(ChannelHandlerContext ctx, Exchange current, boolean written) {
        current.responseWritten = true;
        if (!written) {
            ctx.close();
        } else if (current.bodyEnded) {
            finishExchange(ctx, current);
        }
        // Otherwise the rest of the body is still arriving; onBodyEnd drops it and finishes the exchange.
    }

    private void finishExchange(ChannelHandlerContext ctx, Exchange current) {
        if (exchange == current) {
            exchange = null;
        }
        if (!current.keepAlive || context.isDraining()) {
            ctx.close();
            return;
        }
        if (headTimeout != null) {
            headTimeout.awaitNextHead();
        }
        context.readGate().release(ctx.channel());
    }

    private void closeIfIdle(ChannelHandlerContext ctx) {
        boolean waitingOnGateway = exchange != null && exchange.awaitingResponse();
        if (waitingOnGateway || context.readGate().isReadStopped(ctx.channel())) {
            return;
        }
        log.debug("Closing HTTP connection {} {}: idle for {} (gateway.idle.timeout)",
                ctx.channel().id().asShortText(), ctx.channel().remoteAddress(), options.idleTimeout());
        ctx.close();
    }

    private void drain(ChannelHandlerContext ctx) {
        if (exchange == null) {
            ctx.close();
            return;
        }
        exchange.keepAlive = false;
    }

    private static boolean isNdjson(HttpRequest request) {
        CharSequence mimeType = HttpUtil.getMimeType(request);
        return mimeType != null && NDJSON_MEDIA_TYPE.equalsIgnoreCase(mimeType.toString().trim());
    }
}
