package io.sluice.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Kafka broker: one KRaft node that is both broker and controller, listening on 127.0.0.1 only.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(null, Map.of())) {
 *     producerProps.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 *
 * <p>The log cleaner allocates its dedupe buffer on the heap at start (128 MiB by default), so the default config cuts
 * it to 8 MiB. Quotas use 2 windows of 1 s, so a client quota lets only a short burst through before it throttles.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final int PORT_ATTEMPTS = 3;
    private static final AtomicBoolean exitsTrapped = new AtomicBoolean();
    private static final AtomicReference<String> trappedExit = new AtomicReference<>();

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, boolean deleteDataDirOnClose, int brokerPort,
                          int controllerPort) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /** Starts a broker in a temporary data directory with the default config. */
    public static EmbeddedKafka start() {
        return start(null, Map.of());
    }

    /**
     * Formats the storage, starts the broker and waits until {@code describeCluster} succeeds.
     *
     * @param dataDirOrNull      directory for the config file and the logs, kept on close and reused with its
     *                           cluster id on the next start, or {@code null} for a temporary one that is deleted
     *                           on close
     * @param extraBrokerConfig  broker settings that override the defaults of {@link #defaultConfig}
     * @throws IllegalStateException if the broker fails to start within 60 s
     */
    public static EmbeddedKafka start(Path dataDirOrNull, Map<String, String> extraBrokerConfig) {
        installLoggingExitProcedures();
        Path dataDir = dataDirOrNull != null ? dataDirOrNull : createTempDir();
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            try {
                return startOnce(dataDir, dataDirOrNull == null, extraBrokerConfig);
            } catch (PortTakenException e) {
                log.warn("Kafka port taken before the broker bound it (attempt {} of {}), retrying with new ports",
                        attempt, PORT_ATTEMPTS, e);
                lastFailure = e;
                if (dataDirOrNull == null) {
                    deleteIfTemporary(dataDir.resolve("logs"), true);
                }
            } catch (RuntimeException e) {
                deleteIfTemporary(dataDir, dataDirOrNull == null);
                throw e;
            }
        }
        deleteIfTemporary(dataDir, dataDirOrNull == null);
        throw new IllegalStateException("failed to start the embedded Kafka broker after " + PORT_ATTEMPTS
                + " attempts to find free ports", lastFailure);
    }

    private static EmbeddedKafka startOnce(Path dataDir, boolean temporary, Map<String, String> extraConfig) {
        int[] ports = FreePorts.pick(2);
        Map<String, String> config = defaultConfig(dataDir, ports[0], ports[1]);
        config.putAll(extraConfig);
        Path configFile = writeConfig(dataDir, config);
        format(configFile, clusterId(config));
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        long startNanos = System.nanoTime();
        EmbeddedKafka kafka = new EmbeddedKafka(server, dataDir, temporary, ports[0], ports[1]);
        try {
            server.startup();
            kafka.awaitCluster(STARTUP_TIMEOUT);
        } catch (RuntimeException e) {
            kafka.shutdownQuietly();
            // NOTE: no test takes a port away from the broker, so this assumes startup() fails with a BindException
            // in the cause chain rather than through Kafka's fault handler.
            if (isBindFailure(e)) {
                throw new PortTakenException(e);
            }
            throw e;
        }
        log.info("Embedded Kafka broker started at {} in {} ms (data in {})", kafka.bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), dataDir);
        return kafka;
    }

    /**
     * Returns the broker config used unless {@code extraBrokerConfig} overrides it: a combined KRaft node on
     * 127.0.0.1 with replication factor 1 for internal topics and small heap and quota settings for tests.
     */
    public static Map<String, String> defaultConfig(Path dataDir, int brokerPort, int controllerPort) {
        String listeners = "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort;
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        config.put("listeners", listeners);
        config.put("advertised.listeners", listeners);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", dataDir.resolve("logs").toString());
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "false");
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        config.put("quota.window.size.seconds", "1");
        config.put("quota.window.num", "2");
        return config;
    }

    /** Bootstrap servers for clients: {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates an admin client for this broker. The caller closes it. */
    public Admin createAdmin() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(config);
    }

    /** Shuts the broker down and deletes the data directory if it was temporary. Calling it again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long startNanos = System.nanoTime();
        shutdownQuietly();
        deleteIfTemporary(dataDir, deleteDataDirOnClose);
        log.info("Embedded Kafka broker at {} stopped in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /**
     * Turns a JVM halt or exit requested by Kafka code (for example its fault handler after an
     * {@link OutOfMemoryError} in a broker thread) into an {@link IllegalStateException} thrown in that thread, and
     * records it for {@link #trappedExit()}. Meant for tests, where a halt would end the test JVM without a report.
     * Call it before {@link #start}; it stays in effect for the life of the JVM.
     */
    public static void trapExitsForTests() {
        exitsTrapped.set(true);
        Exit.setHaltProcedure((status, message) -> trap("halt", status, message));
        Exit.setExitProcedure((status, message) -> trap("exit", status, message));
    }

    /** Returns the last halt or exit that {@link #trapExitsForTests()} trapped, if any. */
    public static Optional<String> trappedExit() {
        return Optional.ofNullable(trappedExit.get());
    }

    private static void trap(String kind, int status, String message) {
        String description = "Kafka requested JVM " + kind + " with status " + status + ": " + message;
        trappedExit.set(description);
        log.error("{} (trapped for tests, so the JVM keeps running but the broker may be broken)", description);
        throw new IllegalStateException(description);
    }

    /** Outside tests, logs why Kafka halts or exits the JVM before doing so, so the process never ends silently. */
    private static void installLoggingExitProcedures() {
        if (exitsTrapped.get()) {
            return;
        }
        Exit.setHaltProcedure((status, message) -> {
            log.error("Kafka broker halts the JVM with status {}: {}", status, message);
            Runtime.getRuntime().halt(status);
        });
        Exit.setExitProcedure((status, message) -> {
            log.error("Kafka broker exits the JVM with status {}: {}", status, message);
            System.exit(status);
        });
    }

    private void awaitCluster(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = createAdmin()) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("embedded Kafka broker at " + bootstrapServers()
                                + " did not answer describeCluster within " + timeout, e);
                    }
                    sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded Kafka broker", e);
        }
    }

    private void shutdownQuietly() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Embedded Kafka broker at {} failed to shut down cleanly", bootstrapServers(), e);
        }
    }

    /**
     * Returns the cluster id stored in {@code meta.properties} of a log directory that was formatted before, or a
     * new random one. {@code --ignore-formatted} leaves formatted directories alone, but the tool still rejects a
     * {@code --cluster-id} that differs from the stored one, so a kept data directory needs its own id again.
     */
    static String clusterId(Map<String, String> config) {
        for (String logDir : logDirs(config)) {
            Path meta = Path.of(logDir).resolve("meta.properties");
            if (Files.exists(meta)) {
                return storedClusterId(meta);
            }
        }
        return Uuid.randomUuid().toString();
    }

    private static List<String> logDirs(Map<String, String> config) {
        List<String> dirs = new ArrayList<>();
        String metadataDir = config.get("metadata.log.dir");
        if (metadataDir != null && !metadataDir.isBlank()) {
            dirs.add(metadataDir.trim());
        }
        for (String dir : config.getOrDefault("log.dirs", "").split(",")) {
            if (!dir.isBlank()) {
                dirs.add(dir.trim());
            }
        }
        return dirs;
    }

    private static String storedClusterId(Path meta) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read the Kafka cluster id from " + meta, e);
        }
        String clusterId = properties.getProperty("cluster.id", "").trim();
        if (clusterId.isEmpty()) {
            throw new IllegalStateException(meta + " has no cluster.id, so the kept Kafka log directory cannot be"
                    + " reused; delete " + meta.getParent() + " to start with an empty broker");
        }
        return clusterId;
    }

    private static void format(Path configFile, String clusterId) {
        String[] args = {"format", "--config", configFile.toString(), "--cluster-id", clusterId,
            "--standalone", "--ignore-formatted"};
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(args, out);
        }
        String text = output.toString(StandardCharsets.UTF_8).trim();
        if (status != 0) {
            throw new IllegalStateException("formatting Kafka storage with " + configFile + " failed with status "
                    + status + ": " + text);
        }
        log.debug("Formatted Kafka storage: {}", text);
    }

    private static Path writeConfig(Path dataDir, Map<String, String> config) {
        Properties properties = new Properties();
        properties.putAll(config);
        Path file = dataDir.resolve("server.properties");
        try {
            Files.createDirectories(dataDir);
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                properties.store(writer, "Embedded Kafka broker");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to write the Kafka broker config to " + file, e);
        }
        return file;
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("sluice-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("failed to create a temporary directory for the Kafka broker", e);
        }
    }

    private static void deleteIfTemporary(Path dataDir, boolean temporary) {
        if (!temporary) {
            return;
        }
        try {
            Directories.deleteRecursively(dataDir);
        } catch (IOException e) {
            log.warn("Failed to delete the temporary Kafka data directory {}", dataDir, e);
        }
    }

    private static boolean isBindFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    /** The broker could not bind a port that was free a moment before. */
    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(Throwable cause) {
            super("a port picked for the embedded Kafka broker was taken before the broker bound it", cause);
        }
    }
}
