package io.sluice.gateway.config;

import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigKey;
import java.time.Duration;
import java.util.List;

/** Every configuration key of the ingest gateway, declared once with its default and doc. */
public final class GatewayConfig {

    public static final ConfigKey<String> BIND_HOST = ConfigKey.string("gateway.bind.host", "0.0.0.0",
            "Address the HTTP, TCP and admin listeners bind to");
    public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.integer("gateway.http.port", 8080,
            "HTTP NDJSON ingest port (0 picks a free port)").range(0, 65535);
    public static final ConfigKey<Integer> TCP_PORT = ConfigKey.integer("gateway.tcp.port", 9090,
            "Raw TCP NDJSON ingest port (0 picks a free port)").range(0, 65535);
    public static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.integer("gateway.admin.port", 8081,
            "Admin port serving /metrics, /healthz and /readyz (0 picks a free port)").range(0, 65535);
    public static final ConfigKey<List<String>> TOPICS = ConfigKey.list("gateway.topics", List.of("events"),
            "Comma-separated allow-list of topics clients may write to").validate(t -> !t.isEmpty(),
            "must name at least one topic");
    public static final ConfigKey<String> TCP_TOPIC = ConfigKey.string("gateway.tcp.topic", "events",
            "Topic that receives the lines sent to the TCP port; must be listed in gateway.topics");
    public static final ConfigKey<Boolean> TOPICS_CREATE = ConfigKey.bool("gateway.topics.create", false,
            "Create missing allowed topics at start instead of failing");
    public static final ConfigKey<Integer> TOPICS_PARTITIONS = ConfigKey.integer("gateway.topics.partitions", 6,
            "Partition count of topics the gateway creates").range(1, 10_000);
    public static final ConfigKey<Integer> TOPICS_REPLICATION_FACTOR = ConfigKey.integer(
            "gateway.topics.replication.factor", 1, "Replication factor of topics the gateway creates")
            .range(1, Short.MAX_VALUE + 0);
    public static final ConfigKey<Duration> TOPICS_READY_TIMEOUT = ConfigKey.duration("gateway.topics.ready.timeout",
            Duration.ofSeconds(60), "Maximum wait at start for every partition of every allowed topic to be ready")
            .validate(d -> !d.isNegative() && !d.isZero(), "must be positive");
    public static final ConfigKey<String> KEY_FIELD = ConfigKey.string("gateway.key.field", null,
            "Top-level JSON field whose string or number value becomes the record key; unset means no key")
            .optional();
    public static final ConfigKey<Long> MAX_LINE_BYTES = ConfigKey.bytes("gateway.max.line.bytes", 1_000_000L,
            "Maximum length of one NDJSON line without its newline; longer lines are rejected as too_long. Must leave"
                    + " room for the record overhead within the producer's max.request.size")
            .range(1L, (long) Integer.MAX_VALUE - 8);
    public static final ConfigKey<Long> MAX_REQUEST_BYTES = ConfigKey.bytes("gateway.max.request.bytes", 0L,
            "Maximum HTTP body size; beyond it the request is answered 413 with the lines written so far (0: no limit)")
            .atLeast(0L);
    public static final ConfigKey<Integer> MAX_CONNECTIONS = ConfigKey.integer("gateway.max.connections", 10_000,
            "Maximum open HTTP plus TCP ingest connections; further connections are closed at once").atLeast(1);
    public static final ConfigKey<Duration> IDLE_TIMEOUT = ConfigKey.duration("gateway.idle.timeout",
            Duration.ofSeconds(60), "Close ingest connections without reads or writes for this long")
            .validate(d -> !d.isNegative() && !d.isZero(), "must be positive");
    public static final ConfigKey<Duration> REQUEST_HEADER_TIMEOUT = ConfigKey.duration(
            "gateway.request.header.timeout", Duration.ofSeconds(30),
            "Maximum time from the first byte of an HTTP request head to its end; slower heads get 408 and a close")
            .validate(d -> !d.isNegative() && !d.isZero(), "must be positive");
    public static final ConfigKey<String> LOW_WATER_MARK = ConfigKey.string("gateway.backpressure.low.water.mark",
            "0.5", "Fraction of the producer buffer.memory in use below which paused reads resume")
            .validate(GatewayConfig::isFraction, "must be a number above 0 and at most 1");
    public static final ConfigKey<Duration> RETRY_AFTER = ConfigKey.duration("gateway.retry.after",
            Duration.ofSeconds(5), "Retry-After sent with 503 responses, rounded up to whole seconds")
            .validate(d -> !d.isNegative(), "must not be negative");
    public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT = ConfigKey.duration("gateway.shutdown.timeout",
            Duration.ofSeconds(30), "Maximum time a graceful shutdown waits for in-flight requests and the producer")
            .validate(d -> !d.isNegative(), "must not be negative");
    public static final ConfigKey<Integer> IO_THREADS = ConfigKey.integer("gateway.io.threads", 0,
            "Netty event loop threads for ingest connections (0: Netty's default of twice the cores)").range(0, 1024);
    public static final ConfigKey<Duration> KAFKA_CHECK_INTERVAL = ConfigKey.duration("gateway.kafka.check.interval",
            Duration.ofSeconds(10), "How often /readyz asks the Kafka cluster to answer; it reports not ready while"
            + " the cluster does not answer within half this interval")
            .validate(d -> d.toMillis() >= 200, "must be at least 200ms");
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.string(ConfigDef.KAFKA_BOOTSTRAP_SERVERS,
            "localhost:9092", "Kafka bootstrap servers, host:port[,host:port...]");

    public static final ConfigDef DEFINITION = ConfigDef.of(BIND_HOST, HTTP_PORT, TCP_PORT, ADMIN_PORT, TOPICS,
                    TCP_TOPIC, TOPICS_CREATE, TOPICS_PARTITIONS, TOPICS_REPLICATION_FACTOR, TOPICS_READY_TIMEOUT,
                    KEY_FIELD, MAX_LINE_BYTES, MAX_REQUEST_BYTES, MAX_CONNECTIONS, IDLE_TIMEOUT, REQUEST_HEADER_TIMEOUT,
                    LOW_WATER_MARK,
                    RETRY_AFTER, SHUTDOWN_TIMEOUT, IO_THREADS, KAFKA_CHECK_INTERVAL, BOOTSTRAP_SERVERS)
            .withPassThroughPrefixes(ConfigDef.KAFKA_PRODUCER_PREFIX, ConfigDef.KAFKA_ADMIN_PREFIX,
                    ConfigDef.KAFKA_COMMON_PREFIX);

    private GatewayConfig() {
    }

    private static boolean isFraction(String text) {
        try {
            double value = Double.parseDouble(text);
            return value > 0 && value <= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
