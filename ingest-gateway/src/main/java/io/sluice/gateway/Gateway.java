package io.sluice.gateway;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.common.admin.AdminServer;
import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.Settings;
import io.sluice.common.kafka.TopicReadiness;
import io.sluice.common.metrics.MetricsRegistries;
import io.sluice.gateway.backpressure.ConnectionLimiter;
import io.sluice.gateway.backpressure.ReadGate;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.gateway.config.IngestOptions;
import io.sluice.gateway.config.ProducerSettings;
import io.sluice.gateway.http.HttpIngestInitializer;
import io.sluice.gateway.kafka.MetadataWarmup;
import io.sluice.gateway.kafka.KafkaReachability;
import io.sluice.gateway.kafka.NonBlockingProducer;
import io.sluice.gateway.kafka.RecordFactory;
import io.sluice.gateway.metrics.GatewayMetrics;
import io.sluice.gateway.ndjson.LineValidator;
import io.sluice.gateway.tcp.TcpIngestInitializer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest gateway: HTTP and raw TCP NDJSON listeners in front of a Kafka producer run with
 * {@code max.block.ms=0}, plus the admin port. {@link #start} returns once the allowed topics are ready and the
 * ports are bound, and {@link #close} drains in-flight requests before it stops.
 */
public final class Gateway implements AutoCloseable {

    public static final String APPLICATION = "ingest-gateway";

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final Duration EVENT_LOOP_QUIET_PERIOD = Duration.ZERO;
    private static final Duration EVENT_LOOP_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Settings settings;
    private final IngestOptions options;
    private final Map<String, Object> producerConfig;
    private final Map<String, Object> adminConfig;
    private final PrometheusMeterRegistry registry;
    private final ReadGate readGate = new ReadGate(System::nanoTime);
    private volatile boolean ready;
    private volatile boolean closed;

    private AdminServer adminServer;
    private GatewayMetrics metrics;
    private NonBlockingProducer producer;
    private KafkaClientMetrics kafkaClientMetrics;
    private KafkaReachability kafkaReachability;
    private IngestContext context;
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private Channel httpServer;
    private Channel tcpServer;

    private Gateway(Settings settings) {
        this.settings = settings;
        this.options = IngestOptions.from(settings);
        this.producerConfig = ProducerSettings.from(settings);
        this.adminConfig = settings.kafkaClientConfig(ConfigDef.KAFKA_ADMIN_PREFIX, Map.of(), Map.of());
        this.registry = MetricsRegistries.create(APPLICATION);
    }

    /** Starts the gateway and returns when it is ready; on failure everything started so far is closed. */
    public static Gateway start(Settings settings) {
        Gateway gateway = new Gateway(settings);
        try {
            gateway.startAll();
            return gateway;
        } catch (RuntimeException | Error e) {
            log.error("Gateway start failed; closing what was started", e);
            gateway.close();
            throw e;
        }
    }

    public int httpPort() {
        return ((InetSocketAddress) httpServer.localAddress()).getPort();
    }

    public int tcpPort() {
        return ((InetSocketAddress) tcpServer.localAddress()).getPort();
    }

    public int adminPort() {
        return adminServer.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** True while socket reads are paused because the producer buffer is full. */
    public boolean isReadPaused() {
        return readGate.isPaused();
    }

    /** True from the end of {@link #start} until {@link #close} begins. */
    /** Returns true from start until shutdown begins, while the Kafka cluster responded to the last check. */
    public boolean isReady() {
        return ready && (kafkaReachability == null || kafkaReachability.isReachable());
    }

    private void startAll() {
        String bindHost = settings.get(GatewayConfig.BIND_HOST);
        adminServer = AdminServer.start(bindHost, settings.get(GatewayConfig.ADMIN_PORT), registry, this::isReady);
        log.info("Admin server listening on {}:{}", bindHost, adminServer.port());
        ensureTopics();
        metrics = new GatewayMetrics(registry, options.topics());
        metrics.bindReadGate(readGate);
        startProducer();
        startKafkaChecks();
        context = createContext();
        startListeners(bindHost);
        ready = true;
        log.info("Gateway ready: HTTP port {}, TCP port {} (topic {}), admin port {}, topics {}", httpPort(),
                tcpPort(), options.tcpTopic(), adminPort(), options.topics());
    }

    private void ensureTopics() {
        Duration timeout = settings.get(GatewayConfig.TOPICS_READY_TIMEOUT);
        log.info("Waiting up to {} for topics {} to be ready", timeout, options.topics());
        Admin admin = Admin.create(adminConfig);
        try {
            Map<String, Integer> partitions = TopicReadiness.ensureTopics(admin, options.topics(),
                    settings.get(GatewayConfig.TOPICS_CREATE), settings.get(GatewayConfig.TOPICS_PARTITIONS),
                    settings.get(GatewayConfig.TOPICS_REPLICATION_FACTOR).shortValue(), timeout);
            log.info("Topics ready: {}", partitions);
        } finally {
            // Admin.close() without a timeout waits for calls still pending, up to default.api.timeout.ms.
            admin.close(ADMIN_CLOSE_TIMEOUT);
        }
    }

    private void startProducer() {
        log.info("Starting the Kafka producer (client.id {}, buffer.memory {} bytes)",
                producerConfig.get("client.id"), producerConfig.get("buffer.memory"));
        KafkaProducer<byte[], byte[]> kafkaProducer = new KafkaProducer<>(producerConfig);
        // A record that cannot enter the producer gets as long as Kafka gives one that did: delivery.timeout.ms.
        Duration maxPendingTime = Duration.ofMillis(Long.parseLong(
                String.valueOf(producerConfig.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).trim()));
        producer = new NonBlockingProducer(kafkaProducer, readGate, options.lowWaterMark(), metrics::sendRetried,
                maxPendingTime);
        metrics.bindProducer(producer);
        kafkaClientMetrics = new KafkaClientMetrics(kafkaProducer);
        kafkaClientMetrics.bindTo(registry);
        MetadataWarmup.warmUp(kafkaProducer, options.topics(), settings.get(GatewayConfig.TOPICS_READY_TIMEOUT));
    }

    private void startKafkaChecks() {
        Admin admin = Admin.create(adminConfig);
        kafkaReachability = new KafkaReachability(admin, settings.get(GatewayConfig.KAFKA_CHECK_INTERVAL));
        metrics.bindKafkaReachability(kafkaReachability);
        kafkaReachability.start();
    }

    private IngestContext createContext() {
        LineIngester ingester = new LineIngester(producer, new LineValidator(options.keyField()),
                new RecordFactory(Clock.systemUTC()), metrics);
        ChannelGroup connections = new DefaultChannelGroup("ingest-connections", GlobalEventExecutor.INSTANCE);
        return new IngestContext(options, ingester, readGate, new ConnectionLimiter(options.maxConnections()),
                metrics, connections);
    }

    private void startListeners(String bindHost) {
        acceptGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ioGroup = new MultiThreadIoEventLoopGroup(settings.get(GatewayConfig.IO_THREADS), NioIoHandler.newFactory());
        httpServer = bind(bindHost, settings.get(GatewayConfig.HTTP_PORT), new HttpIngestInitializer(context), false);
        log.info("HTTP ingest listening on {}", httpServer.localAddress());
        tcpServer = bind(bindHost, settings.get(GatewayConfig.TCP_PORT), new TcpIngestInitializer(context), true);
        log.info("TCP ingest listening on {}", tcpServer.localAddress());
    }

    private Channel bind(String host, int port, ChannelInitializer<SocketChannel> initializer, boolean halfClosure) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
                .childHandler(initializer);
        return bootstrap.bind(host, port).syncUninterruptibly().channel();
    }

    /**
     * Shuts down gracefully: marks the gateway not ready, stops accepting, lets requests in progress finish and
     * get their responses within {@code gateway.shutdown.timeout}, then flushes and closes the producer and the event
     * loops. Safe to call more than once.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long deadline = System.nanoTime() + settings.get(GatewayConfig.SHUTDOWN_TIMEOUT).toNanos();
        ready = false;
        log.info("Gateway shutting down: reporting not ready");
        closeServerChannels();
        drainConnections(deadline);
        closeProducer(deadline);
        closeEventLoops();
        closeAdminAndMetrics();
        log.info("Gateway stopped");
    }

    private void closeServerChannels() {
        log.info("Closing the HTTP and TCP listeners");
        for (Channel server : new Channel[] {httpServer, tcpServer}) {
            if (server != null) {
                server.close().awaitUninterruptibly(EVENT_LOOP_SHUTDOWN_TIMEOUT.toMillis());
            }
        }
    }

    private void drainConnections(long deadline) {
        if (context == null || !context.startDraining()) {
            return;
        }
        ChannelGroup connections = context.connections();
        log.info("Draining {} ingest connections", connections.size());
        connections.forEach(channel -> channel.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            if (!sleepMillis(20)) {
                break;
            }
        }
        if (!connections.isEmpty()) {
            log.warn("Closing {} ingest connections that did not finish within gateway.shutdown.timeout",
                    connections.size());
            connections.close().awaitUninterruptibly(EVENT_LOOP_SHUTDOWN_TIMEOUT.toMillis());
        }
    }

    private void closeProducer(long deadline) {
        if (producer != null) {
            producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        if (kafkaClientMetrics != null) {
            kafkaClientMetrics.close();
        }
    }

    private void closeEventLoops() {
        log.info("Stopping the event loops");
        for (EventLoopGroup group : new EventLoopGroup[] {acceptGroup, ioGroup}) {
            if (group != null) {
                group.shutdownGracefully(EVENT_LOOP_QUIET_PERIOD.toMillis(), EVENT_LOOP_SHUTDOWN_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS).awaitUninterruptibly(EVENT_LOOP_SHUTDOWN_TIMEOUT.toMillis());
            }
        }
    }

    private void closeAdminAndMetrics() {
        if (kafkaReachability != null) {
            kafkaReachability.close();
        }
        if (adminServer != null) {
            adminServer.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        registry.close();
    }

    /** Sleeps; returns false, with the interrupt flag restored, when interrupted. */
    private static boolean sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
