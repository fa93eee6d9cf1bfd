package io.sluice.gateway.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.sluice.gateway.IngestContext;
import io.sluice.gateway.backpressure.ReadGate;
import io.sluice.gateway.metrics.Transport;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of an HTTP ingest connection. {@link RequestHeadTimeoutHandler} sits in front of the codec
 * to see raw reads. {@link FlowControlHandler} sits behind the codec so that, while reads are paused or held,
 * messages already decoded from one socket read are delivered one per {@code read()} instead of all at once.
 * {@link HttpIngestHandler} sends 100 Continue itself, after its checks of the request head.
 *
 * <p>The connection keeps reading request heads while the producer buffer is full, and memory still stays
 * bounded by configuration. Between requests the connection reads either a request head, which the codec caps
 * at {@value #MAX_INITIAL_LINE_BYTES} bytes for the request line plus {@value #MAX_HEADER_BYTES} for the headers
 * (a longer head gets 400), or the body of a rejected request, which is released chunk by chunk. A valid ingest
 * head read during a pause turns auto-read off before the next socket read, so at most one read buffer of
 * {@value #MAX_READ_BUFFER_BYTES} bytes, holding body bytes a client sent right behind the head, waits in
 * {@link FlowControlHandler} until the pause ends. The number of such connections is capped by
 * {@code gateway.max.connections}.
 */
public final class HttpIngestInitializer extends ChannelInitializer<SocketChannel> {

    static final int MAX_INITIAL_LINE_BYTES = 8192;
    static final int MAX_HEADER_BYTES = 16384;
    private static final int MAX_CHUNK_BYTES = 65536;
    /** Netty's defaults for the adaptive receive buffer, set here because the memory bound above relies on them. */
    private static final int MIN_READ_BUFFER_BYTES = 64;
    private static final int INITIAL_READ_BUFFER_BYTES = 2048;
    private static final int MAX_READ_BUFFER_BYTES = 65536;
    private static final AdaptiveRecvByteBufAllocator READ_BUFFER_ALLOCATOR = new AdaptiveRecvByteBufAllocator(
            MIN_READ_BUFFER_BYTES, INITIAL_READ_BUFFER_BYTES, MAX_READ_BUFFER_BYTES);

    private final IngestContext context;
    private final byte[] tooManyConnectionsResponse;

    public HttpIngestInitializer(IngestContext context) {
        this.context = context;
        this.tooManyConnectionsResponse = tooManyConnectionsResponse(context.options().retryAfterSeconds());
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (!context.admit(channel, Transport.HTTP, ReadGate.PauseScope.REQUEST_BODIES)) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(tooManyConnectionsResponse))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        channel.config().setRecvByteBufAllocator(READ_BUFFER_ALLOCATOR);
        long idleMs = context.options().idleTimeout().toMillis();
        channel.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS))
                .addLast("head-timeout", new RequestHeadTimeoutHandler(context.options().requestHeaderTimeout(),
                        context.metrics()))
                .addLast("codec", newCodec())
                .addLast("flow-control", new FlowControlHandler())
                .addLast("ingest", new HttpIngestHandler(context));
    }

    /** Builds the raw 503 for a connection over the cap; it is written before any handler is added. */
    private static byte[] tooManyConnectionsResponse(long retryAfterSeconds) {
        String body = "{\"error\":\"too many connections; retry after " + retryAfterSeconds + " seconds\"}";
        return ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Retry-After: " + retryAfterSeconds + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Creates the HTTP codec with the head and chunk limits the memory bound above relies on. */
    static HttpServerCodec newCodec() {
        return new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, MAX_CHUNK_BYTES);
    }
}
