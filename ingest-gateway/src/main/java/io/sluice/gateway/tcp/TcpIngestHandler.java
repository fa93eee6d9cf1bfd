package io.sluice.gateway.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.sluice.common.logging.RateLimitedLogger;
import io.sluice.gateway.DrainEvent;
import io.sluice.gateway.IngestContext;
import io.sluice.gateway.kafka.SendTally;
import io.sluice.gateway.metrics.Transport;
import io.sluice.gateway.ndjson.LineValidator;
import io.sluice.gateway.ndjson.LineVerdict;
import io.sluice.gateway.ndjson.RejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each NDJSON line of a raw TCP connection to {@code gateway.tcp.topic}. Invalid lines are counted and
 * logged, and the connection stays open. When the client shuts down its output (half-close), the connection is
 * idle for {@code gateway.idle.timeout} or the gateway drains, the handler stops reading, waits until every send
 * of the connection was acknowledged or failed, writes one summary line {@code {"acked":N,"rejected":M,"failed":K}}
 * and closes. A UTF-8 byte order mark at the start of the stream is removed.
 *
 * <p>One instance per channel; fields other than the thread-safe {@link SendTally} are owned by the event loop.
 */
final class TcpIngestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TcpIngestHandler.class);
    private static final RateLimitedLogger rateLimitedLog = new RateLimitedLogger(log, Duration.ofSeconds(10));

    private final IngestContext context;
    private final String topic;
    private final SendTally tally = new SendTally(0);
    private long lineNumber;
    private boolean inputEnded;

    TcpIngestHandler(IngestContext context) {
        this.context = context;
        this.topic = context.options().tcpTopic();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        log.debug("TCP connection {} {} opened", ctx.channel().id().asShortText(), ctx.channel().remoteAddress());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lineNumber++;
        if (msg instanceof NdjsonLineDecoder.TooLongLine tooLong) {
            rejectTooLong(ctx, tooLong.lengthBytes());
            return;
        }
        byte[] bytes = (byte[]) msg;
        if (lineNumber == 1) {
            bytes = LineValidator.stripByteOrderMark(bytes);
        }
        if (LineValidator.isBlank(bytes)) {
            return;
        }
        LineVerdict verdict = context.ingester().ingest(Transport.TCP, topic, bytes, lineNumber,
                context.ingester().receiveTimeMs(), tally);
        if (!verdict.isAccepted()) {
            logRejected(ctx, verdict.reason(), verdict.detail());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ChannelInputShutdownEvent) {
            endInput(ctx, "the client shut down its output");
        } else if (event instanceof DrainEvent) {
            context.readGate().hold(ctx.channel());
            endInput(ctx, "the gateway is shutting down");
        } else if (event instanceof IdleStateEvent) {
            closeIfIdle(ctx);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("Closing TCP connection {} {} after an I/O error: {}", ctx.channel().id().asShortText(),
                    ctx.channel().remoteAddress(), String.valueOf(cause));
        } else {
            rateLimitedLog.warn("Closing TCP connection {} {} after an error: {}", ctx.channel().id().asShortText(),
                    ctx.channel().remoteAddress(), String.valueOf(cause));
        }
        ctx.close();
    }

    private void rejectTooLong(ChannelHandlerContext ctx, long lengthBytes) {
        String detail = "line is " + lengthBytes + " bytes, above the limit gateway.max.line.bytes="
                + context.options().maxLineBytes();
        context.ingester().reject(Transport.TCP, lineNumber, RejectReason.TOO_LONG, detail, tally);
        logRejected(ctx, RejectReason.TOO_LONG, detail);
    }

    private void endInput(ChannelHandlerContext ctx, String cause) {
        if (inputEnded) {
            return;
        }
        inputEnded = true;
        log.debug("TCP connection {} {}: input ended because {}; {} sends in flight",
                ctx.channel().id().asShortText(), ctx.channel().remoteAddress(), cause, tally.inFlight());
        tally.inputComplete(() -> ctx.executor().execute(() -> writeSummary(ctx)));
    }

    private void writeSummary(ChannelHandlerContext ctx) {
        String summary = "{\"acked\":" + tally.ackedCount() + ",\"rejected\":" + tally.rejectedCount()
                + ",\"failed\":" + tally.failedCount() + "}\n";
        log.debug("TCP connection {} {} done: {}", ctx.channel().id().asShortText(), ctx.channel().remoteAddress(),
                summary.trim());
        ctx.writeAndFlush(Unpooled.copiedBuffer(summary, StandardCharsets.UTF_8))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Ends an idle connection as a half-close does, so the client still learns what was written. */
    private void closeIfIdle(ChannelHandlerContext ctx) {
        if (inputEnded || context.readGate().isPaused()) {
            return;
        }
        context.readGate().hold(ctx.channel());
        endInput(ctx, "it was idle for " + context.options().idleTimeout() + " (gateway.idle.timeout)");
    }

    private void logRejected(ChannelHandlerContext ctx, RejectReason reason, String detail) {
        rateLimitedLog.warn("Rejected line {} on TCP connection {} {}: {} ({})", lineNumber,
                ctx.channel().id().asShortText(), ctx.channel().remoteAddress(), reason.label(), detail);
    }
}
