package io.sluice.cli.loadgen;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.string.StringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the gateway's ingest protocol on 127.0.0.1, for testing the load generator alone. TCP
 * connections get a summary line on half-close. HTTP requests get 200, or 400 that rejects line 2 of every
 * request when {@code rejectSecondLine} is set.
 */
final class FakeGateway implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicLong linesReceived = new AtomicLong();
    private final boolean rejectSecondLine;
    private final Channel tcp;
    private final Channel http;

    FakeGateway(boolean rejectSecondLine) throws InterruptedException {
        this.rejectSecondLine = rejectSecondLine;
        this.tcp = bind(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(new LineBasedFrameDecoder(65536), new StringDecoder(StandardCharsets.UTF_8),
                        new TcpLines());
            }
        });
        this.http = bind(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024 * 1024),
                        new HttpBatches());
            }
        });
    }

    private Channel bind(ChannelInitializer<SocketChannel> initializer) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(initializer)
                .bind("127.0.0.1", 0).sync().channel();
    }

    int tcpPort() {
        return ((InetSocketAddress) tcp.localAddress()).getPort();
    }

    int httpPort() {
        return ((InetSocketAddress) http.localAddress()).getPort();
    }

    long linesReceived() {
        return linesReceived.get();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class TcpLines extends SimpleChannelInboundHandler<String> {
        private long lines;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            lines++;
            linesReceived.incrementAndGet();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                String summary = "{\"acked\":" + lines + ",\"rejected\":0,\"failed\":0}\n";
                ctx.writeAndFlush(Unpooled.copiedBuffer(summary, StandardCharsets.UTF_8)).addListener(f -> ctx.close());
            }
        }
    }

    private final class HttpBatches extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String body = request.content().toString(StandardCharsets.UTF_8);
            long lines = body.lines().count();
            linesReceived.addAndGet(lines);
            boolean reject = rejectSecondLine && lines >= 2;
            String json = reject
                    ? "{\"written\":" + (lines - 1) + ",\"rejected\":[{\"line\":2,\"reason\":\"malformed_json\"}],"
                            + "\"rejectedCount\":1}"
                    : "{\"written\":" + lines + "}";
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    reject ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response);
        }
    }
}
