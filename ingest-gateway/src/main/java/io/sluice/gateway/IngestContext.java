package io.sluice.gateway;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.sluice.common.logging.RateLimitedLogger;
import io.sluice.gateway.backpressure.ConnectionLimiter;
import io.sluice.gateway.backpressure.ReadGate;
import io.sluice.gateway.config.IngestOptions;
import io.sluice.gateway.metrics.GatewayMetrics;
import io.sluice.gateway.metrics.Transport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Services shared by every ingest connection: options, line ingestion, read gate, connection cap, metrics, and
 * the group of open connections that a graceful shutdown drains. Thread-safe.
 */
public final class IngestContext {

    private static final RateLimitedLogger rejectLog =
            new RateLimitedLogger(LoggerFactory.getLogger(IngestContext.class), Duration.ofSeconds(10));

    private final IngestOptions options;
    private final LineIngester ingester;
    private final ReadGate readGate;
    private final ConnectionLimiter connectionLimiter;
    private final GatewayMetrics metrics;
    private final ChannelGroup connections;
    private final AtomicBoolean draining = new AtomicBoolean();

    public IngestContext(IngestOptions options, LineIngester ingester, ReadGate readGate,
                         ConnectionLimiter connectionLimiter, GatewayMetrics metrics, ChannelGroup connections) {
        this.options = options;
        this.ingester = ingester;
        this.readGate = readGate;
        this.connectionLimiter = connectionLimiter;
        this.metrics = metrics;
        this.connections = connections;
    }

    public IngestOptions options() {
        return options;
    }

    public LineIngester ingester() {
        return ingester;
    }

    public ReadGate readGate() {
        return readGate;
    }

    public ConnectionLimiter connectionLimiter() {
        return connectionLimiter;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Open ingest connections of both listeners. */
    public ChannelGroup connections() {
        return connections;
    }

    /**
     * Admits a new connection: takes a slot from the connection cap, counts it and registers it with the read
     * gate, under {@code pauseScope}, and the connection group. Returns false, changing nothing but the rejected
     * counter, when the cap is reached; the caller then closes the channel.
     */
    public boolean admit(Channel channel, Transport transport, ReadGate.PauseScope pauseScope) {
        if (draining.get() || !connectionLimiter.tryAcquire()) {
            metrics.rejected(transport, GatewayMetrics.REASON_TOO_MANY_CONNECTIONS);
            rejectLog.warn("Rejected {} connection from {}: {} of max {} connections open (gateway.max.connections)"
                            + " or the gateway is shutting down", transport.label(), channel.remoteAddress(),
                    connectionLimiter.openConnections(), connectionLimiter.maxConnections());
            return false;
        }
        AtomicInteger active = metrics.activeConnections(transport);
        active.incrementAndGet();
        channel.closeFuture().addListener(future -> {
            connectionLimiter.release();
            active.decrementAndGet();
        });
        connections.add(channel);
        readGate.register(channel, pauseScope);
        return true;
    }

    /** True once a graceful shutdown started: requests in progress finish, new ones get 503. */
    public boolean isDraining() {
        return draining.get();
    }

    /** Starts the drain; returns false when it had already started. */
    public boolean startDraining() {
        return draining.compareAndSet(false, true);
    }
}
