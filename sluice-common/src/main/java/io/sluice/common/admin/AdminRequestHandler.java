package io.sluice.common.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import io.sluice.common.logging.RateLimitedLogger;
import org.slf4j.LoggerFactory;

/** Serves the admin paths. One instance is shared by every admin connection, all on the one admin event loop. */
@Sharable
final class AdminRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";
    private static final Set<String> PATHS = Set.of("/metrics", "/healthz", "/readyz");
    /** Rate-limited because probes and scrapes repeat every few seconds while a failure lasts. */
    private static final RateLimitedLogger log =
            new RateLimitedLogger(LoggerFactory.getLogger(AdminRequestHandler.class), Duration.ofMinutes(1));

    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier ready;

    AdminRequestHandler(PrometheusMeterRegistry registry, BooleanSupplier ready) {
        this.registry = registry;
        this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        FullHttpResponse response = route(ctx, request);
        boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse route(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            return text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!PATHS.contains(path)) {
            return text(HttpResponseStatus.NOT_FOUND, "not found: use /metrics, /healthz or /readyz\n");
        }
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed: use GET\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return response;
        }
        return switch (path) {
            case "/metrics" -> metrics(ctx);
            case "/healthz" -> text(HttpResponseStatus.OK, "ok\n");
            default -> readiness();
        };
    }

    private FullHttpResponse readiness() {
        boolean isReady;
        try {
            isReady = ready.getAsBoolean();
        } catch (RuntimeException e) {
            log.warn("Readiness check threw, so /readyz returns 503", e);
            isReady = false;
        }
        return isReady ? text(HttpResponseStatus.OK, "ready\n")
                : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
    }

    private FullHttpResponse metrics(ChannelHandlerContext ctx) {
        ByteBuf body = ctx.alloc().buffer();
        try (OutputStream out = new ByteBufOutputStream(body)) {
            registry.scrape(out);
        } catch (IOException | RuntimeException e) {
            body.release();
            log.warn("Prometheus scrape failed, so /metrics returns 500", e);
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed: " + e.getMessage() + "\n");
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE);
        return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT_CONTENT_TYPE);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.delegate().debug("Admin connection from {} failed, closing it", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
