package io.sluice.common.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP admin endpoint of a service: {@code GET /metrics} (Prometheus text format 0.0.4), {@code GET /healthz}
 * (200 while the process runs) and {@code GET /readyz} (200 when the readiness check passes, else 503).
 *
 * <p>The server runs on its own single-threaded event loop group, so a saturated ingest path never delays a scrape
 * or a probe.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final long SHUTDOWN_TIMEOUT_MS = 3000;

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final InetSocketAddress boundAddress;

    private AdminServer(EventLoopGroup group, Channel serverChannel) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.boundAddress = (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Binds and starts the admin server.
     *
     * @param bindHost address to bind, such as {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port     TCP port, or 0 for an ephemeral port (see {@link #port()})
     * @param ready    readiness check, called on the admin event loop for each {@code /readyz}; it must not block
     * @throws IllegalStateException if the port cannot be bound
     */
    public static AdminServer start(String bindHost, int port, PrometheusMeterRegistry registry,
                                    BooleanSupplier ready) {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(ready, "ready");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("admin port must be between 0 and 65535, got " + port);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sluice-admin", true),
                NioIoHandler.newFactory());
        try {
            Channel channel = bootstrap(group, registry, ready).bind(bindHost, port).sync().channel();
            AdminServer server = new AdminServer(group, channel);
            log.info("Admin server listening on {}:{} (/metrics, /healthz, /readyz)", bindHost, server.port());
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("interrupted while binding the admin server to " + bindHost + ":" + port,
                    e);
        } catch (Exception e) {
            // sync() rethrows the checked BindException undeclared, so catch Exception here.
            group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("failed to bind the admin server to " + bindHost + ":" + port + ": "
                    + e.getMessage() + "; choose a free port or 0 for an ephemeral one", e);
        }
    }

    private static ServerBootstrap bootstrap(EventLoopGroup group, PrometheusMeterRegistry registry,
                                             BooleanSupplier ready) {
        AdminRequestHandler handler = new AdminRequestHandler(registry, ready);
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(handler);
                    }
                });
    }

    /** Returns the bound port, which is the ephemeral port chosen when started with port 0. */
    public int port() {
        return boundAddress.getPort();
    }

    public InetSocketAddress address() {
        return boundAddress;
    }

    /** Closes the listening socket and stops the event loop, waiting at most a few seconds. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        boolean stopped = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS + 1000);
        if (stopped) {
            log.info("Admin server on port {} stopped", port());
        } else {
            log.warn("Admin server on port {} did not stop within {} ms", port(), SHUTDOWN_TIMEOUT_MS + 1000);
        }
    }
}
