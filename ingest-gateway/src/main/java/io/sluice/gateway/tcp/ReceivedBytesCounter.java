package io.sluice.gateway.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.sluice.gateway.metrics.GatewayMetrics;
import io.sluice.gateway.metrics.Transport;

/** Counts the bytes read from a TCP ingest socket before line framing. */
@ChannelHandler.Sharable
final class ReceivedBytesCounter extends ChannelInboundHandlerAdapter {

    private final GatewayMetrics metrics;

    ReceivedBytesCounter(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf data) {
            metrics.receivedBytes(Transport.TCP, data.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }
}
