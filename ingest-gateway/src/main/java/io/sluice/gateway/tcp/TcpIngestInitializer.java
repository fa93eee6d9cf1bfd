package io.sluice.gateway.tcp;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.sluice.gateway.IngestContext;
import io.sluice.gateway.backpressure.ReadGate;
import io.sluice.gateway.metrics.Transport;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of a raw TCP ingest connection; the server enables {@code ALLOW_HALF_CLOSURE} on it. Every
 * read feeds the producer, so the connection reads nothing while reads are paused. It is still accepted and
 * counted during a pause.
 */
public final class TcpIngestInitializer extends ChannelInitializer<SocketChannel> {

    private final IngestContext context;
    private final ReceivedBytesCounter receivedBytesCounter;

    public TcpIngestInitializer(IngestContext context) {
        this.context = context;
        this.receivedBytesCounter = new ReceivedBytesCounter(context.metrics());
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (!context.admit(channel, Transport.TCP, ReadGate.PauseScope.ALL_READS)) {
            channel.close();
            return;
        }
        long idleMs = context.options().idleTimeout().toMillis();
        channel.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS))
                .addLast("received-bytes", receivedBytesCounter)
                .addLast("framing", new NdjsonLineDecoder(context.options().maxLineBytes()))
                .addLast("ingest", new TcpIngestHandler(context));
    }
}
