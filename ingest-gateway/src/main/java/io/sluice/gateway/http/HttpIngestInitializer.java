package io.sluice.gateway.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.sluice.gateway.IngestContext;
import io.sluice.gateway.metrics.Transport;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of an HTTP ingest connection. {@link FlowControlHandler} sits behind the codec so that,
 * while reads are paused or held, messages already decoded from one socket read are delivered one per
 * {@code read()} instead of all at once.
 */
public final class HttpIngestInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_INITIAL_LINE_BYTES = 8192;
    private static final int MAX_HEADER_BYTES = 16384;
    private static final int MAX_CHUNK_BYTES = 65536;
    private static final byte[] TOO_MANY_CONNECTIONS_RESPONSE = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: 59\r\n\r\n"
            + "{\"error\":\"too many connections; retry after a short delay\"}").getBytes(StandardCharsets.US_ASCII);

    private final IngestContext context;

    public HttpIngestInitializer(IngestContext context) {
        this.context = context;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (!context.admit(channel, Transport.HTTP)) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(TOO_MANY_CONNECTIONS_RESPONSE))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        long idleMs = context.options().idleTimeout().toMillis();
        channel.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS))
                .addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, MAX_CHUNK_BYTES))
                .addLast("expect-continue", new HttpServerExpectContinueHandler())
                .addLast("flow-control", new FlowControlHandler())
                .addLast("ingest", new HttpIngestHandler(context));
    }
}
