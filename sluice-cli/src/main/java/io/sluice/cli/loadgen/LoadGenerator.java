package io.sluice.cli.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.string.StringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Floods a gateway over raw TCP and HTTP/1.1 connections (Netty NIO client) at a target rate, and counts
 * what the gateway acknowledged. Start it with {@link #start}, wait on {@link #completion()}, then read
 * {@link #stats()}. {@link #close()} stops sending and releases the event loops.
 */
public final class LoadGenerator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    private static final int MAX_SUMMARY_LINE_BYTES = 4096;
    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private final LoadPlan plan;
    private final PaymentEventGenerator generator;
    private final LoadStats stats = new LoadStats();
    private final EventLoopGroup group;
    private final EventSource source;
    private final List<CompletableFuture<Void>> connections = new ArrayList<>();
    private final long startNanos;
    private CompletableFuture<Void> completion;

    private LoadGenerator(LoadPlan plan, PaymentEventGenerator generator) {
        this.plan = plan;
        this.generator = generator;
        this.startNanos = System.nanoTime();
        TokenBucket rate = TokenBucket.perSecond(plan.ratePerSecond(), plan.batchLines());
        this.source = new EventSource(plan.totalEvents(), startNanos + plan.maxDuration().toNanos(),
                System::nanoTime, rate);
        int threads = Math.max(1, Math.min(2, plan.tcpConnections() + plan.httpConnections()));
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    /** Connects every connection of {@code plan} and starts sending; returns at once. */
    public static LoadGenerator start(LoadPlan plan, PaymentEventGenerator generator) {
        LoadGenerator loadGenerator = new LoadGenerator(plan, generator);
        loadGenerator.connectAll();
        return loadGenerator;
    }

    public LoadStats stats() {
        return stats;
    }

    /** Returns a future that completes when every connection has finished. */
    public CompletableFuture<Void> completion() {
        return completion;
    }

    /** Returns the time since the run started. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Stops handing out new events; connections finish their current request or summary. */
    public void stopSending() {
        source.stop();
    }

    private void connectAll() {
        LOG.info("Load generator: {} events to {} over {} TCP and {} HTTP connections, rate {} events/s",
                plan.totalEvents(), plan.host(), plan.tcpConnections(), plan.httpConnections(),
                plan.ratePerSecond() > 0 ? String.format("%.0f", plan.ratePerSecond()) : "unlimited");
        for (int i = 0; i < plan.tcpConnections(); i++) {
            connect(plan.tcpPort(), this::newTcpHandler);
        }
        for (int i = 0; i < plan.httpConnections(); i++) {
            connect(plan.httpPort(), this::newHttpHandler);
        }
        completion = CompletableFuture.allOf(connections.toArray(CompletableFuture[]::new));
    }

    private HandlerPair newTcpHandler() {
        TcpLoadHandler handler = new TcpLoadHandler(source, generator, stats);
        return new HandlerPair(handler.done(), new LineBasedFrameDecoder(MAX_SUMMARY_LINE_BYTES),
                new StringDecoder(StandardCharsets.UTF_8), handler);
    }

    private HandlerPair newHttpHandler() {
        String hostHeader = plan.host() + ":" + plan.httpPort();
        HttpLoadHandler handler = new HttpLoadHandler(source, generator, stats, hostHeader, plan.topic(),
                plan.batchLines());
        return new HandlerPair(handler.done(), new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                handler);
    }

    /** The handlers of one connection and the future its last handler completes when the connection ends. */
    private record HandlerPair(CompletableFuture<Void> done, ChannelHandler... handlers) {
    }

    private void connect(int port, Supplier<HandlerPair> handlers) {
        HandlerPair pair = handlers.get();
        connections.add(pair.done());
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(pair.handlers());
                    }
                });
        ChannelFuture connected = bootstrap.connect(plan.host(), port);
        connected.addListener(future -> {
            if (!future.isSuccess()) {
                stats.addConnectionError();
                LOG.warn("Load generator: connecting to {}:{} failed: {}", plan.host(), port,
                        future.cause().toString());
                pair.done().complete(null);
            }
        });
    }

    @Override
    public void close() {
        source.stop();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
