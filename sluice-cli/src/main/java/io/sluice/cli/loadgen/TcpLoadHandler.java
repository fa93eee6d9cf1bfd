package io.sluice.cli.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends NDJSON lines over one raw TCP connection while the channel is writable, so a gateway that pauses
 * its reads slows this sender through the TCP window. At the end it shuts down its output and reads the
 * gateway's summary line. All methods run on the channel's event loop.
 */
final class TcpLoadHandler extends SimpleChannelInboundHandler<String> {

    private static final Logger LOG = LoggerFactory.getLogger(TcpLoadHandler.class);
    private static final int LINES_PER_WRITE = 64;

    private final EventSource source;
    private final PaymentEventGenerator generator;
    private final LoadStats stats;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<EventSource.Range> sentRanges = new ArrayList<>();
    private long sentCount;
    private boolean outputShutdown;
    private boolean summaryReceived;

    TcpLoadHandler(EventSource source, PaymentEventGenerator generator, LoadStats stats) {
        this.source = source;
        this.generator = generator;
        this.stats = stats;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        pump(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            pump(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void pump(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!outputShutdown && ctx.channel().isActive() && ctx.channel().isWritable()) {
            EventSource.Range range = source.claim(LINES_PER_WRITE);
            if (range == null) {
                schedulePump(ctx);
                break;
            }
            if (range.count() == 0) {
                shutdownOutput(ctx);
                break;
            }
            write(ctx, range);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private void schedulePump(ChannelHandlerContext ctx) {
        long waitNanos = Math.max(100_000, source.nanosUntilAvailable());
        ctx.executor().schedule(() -> pump(ctx), waitNanos, TimeUnit.NANOSECONDS);
    }

    private void write(ChannelHandlerContext ctx, EventSource.Range range) {
        ByteBuf buffer = ctx.alloc().buffer(range.count() * 256);
        for (int i = 0; i < range.count(); i++) {
            buffer.writeBytes(generator.line(range.first() + i));
        }
        sentRanges.add(range);
        sentCount += range.count();
        ctx.write(buffer).addListener(future -> {
            if (future.isSuccess()) {
                stats.addSent(range.count());
            }
        });
    }

    private void shutdownOutput(ChannelHandlerContext ctx) {
        outputShutdown = true;
        // Shutting down the output drops writes still queued in Netty, so wait until every earlier write is done.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> shutdownAfterLastWrite(ctx));
    }

    private void shutdownAfterLastWrite(ChannelHandlerContext ctx) {
        ((SocketChannel) ctx.channel()).shutdownOutput().addListener(future -> {
            if (!future.isSuccess()) {
                LOG.warn("TCP connection {}: shutting down output failed: {}", ctx.channel().id(),
                        future.cause().toString());
                ctx.close();
            }
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
        Optional<TcpSummary> summary = TcpSummary.parse(line);
        if (summary.isEmpty()) {
            LOG.debug("TCP connection {}: ignoring unexpected line from the gateway: {}", ctx.channel().id(), line);
            return;
        }
        summaryReceived = true;
        account(summary.get());
        ctx.close();
    }

    private void account(TcpSummary summary) {
        stats.addRejected(summary.rejected());
        stats.addFailed(summary.failed());
        if (summary.acknowledgesAll(sentCount)) {
            stats.addAcknowledged(sentCount);
            for (EventSource.Range range : sentRanges) {
                stats.ackTracker().markRangeAcknowledged(range.first(), range.count());
            }
            return;
        }
        // The summary has counts but no line numbers, so no event of this connection is tracked as acknowledged.
        stats.addUnconfirmed(sentCount);
        LOG.warn("TCP summary {} does not acknowledge all {} events sent on this connection", summary, sentCount);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!summaryReceived) {
            stats.addUnconfirmed(sentCount);
            LOG.warn("TCP connection {} closed before the gateway sent its summary; {} events sent are unconfirmed",
                    ctx.channel().id(), sentCount);
        }
        done.complete(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.addConnectionError();
        LOG.warn("TCP connection {} failed: {}", ctx.channel().id(), cause.toString());
        ctx.close();
    }
}
