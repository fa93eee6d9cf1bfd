package io.sluice.cli.topology;

import io.sluice.cli.stack.EmbeddedStack;
import io.sluice.common.kafka.TopicReadiness;
import io.sluice.common.lifecycle.ParentWatch;
import io.sluice.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compose topology as local processes: the embedded Kafka broker and PostgreSQL in this JVM, the gateway and
 * each writer as a child JVM from its runnable jar, and Prometheus when its binary is installed.
 *
 * <p>{@link #close()} stops the children with SIGTERM and waits for their graceful drain (SIGKILL after the stop
 * timeout), then stops Prometheus, then PostgreSQL and Kafka. A Ctrl-C in a terminal also reaches the children,
 * which then start draining at once; PostgreSQL and Kafka still stop only after every child has exited.
 */
public final class LocalTopology implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalTopology.class);
    private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(60);

    private final TopologyPlan plan;
    private final PrintStream console;
    private final LoopbackPorts ports = new LoopbackPorts();
    private final ChildGroup services;
    private final ChildGroup monitoring;
    private EmbeddedStack stack;
    private int httpPort;
    private int tcpPort;
    private int gatewayAdminPort;
    private final List<Integer> writerAdminPorts = new ArrayList<>();
    private int prometheusPort;

    private LocalTopology(TopologyPlan plan, PrintStream console) {
        this.plan = plan;
        this.console = console;
        this.services = new ChildGroup("gateway and writers", plan.stopTimeout(), console);
        this.monitoring = new ChildGroup("Prometheus", plan.stopTimeout(), console);
    }

    /**
     * Starts everything and returns once every process reports ready. On failure it stops what it started and
     * throws with the failed process, its log file and the log's last lines.
     */
    public static LocalTopology start(TopologyPlan plan, PrintStream console) throws Exception {
        LocalTopology topology = new LocalTopology(plan, console);
        try {
            topology.startAll();
            return topology;
        } catch (Exception | Error e) {
            topology.close();
            throw e;
        }
    }

    private void startAll() throws IOException, InterruptedException {
        Path gatewayJar = plan.layout().gatewayJar();
        Path writerJar = plan.layout().writerJar();
        Files.createDirectories(plan.runDir());
        stack = EmbeddedStack.start(plan.dataDir(), Map.of());
        createTopic();
        resolvePorts();
        startGateway(gatewayJar);
        for (int index = 1; index <= plan.writers(); index++) {
            startWriter(writerJar, index);
        }
        if (plan.prometheusBinary() != null) {
            startPrometheus();
        }
        awaitReadiness();
    }

    /** Creates the topic before any service starts, as compose's kafka-init does; an existing topic is kept. */
    private void createTopic() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers()))) {
            Map<String, Integer> partitions = TopicReadiness.ensureTopics(admin, List.of(plan.topic()), true,
                    plan.partitions(), (short) 1, TOPIC_READY_TIMEOUT);
            int actual = partitions.get(plan.topic());
            if (plan.writers() > actual) {
                console.printf("Note: %d writers share %d partitions of %s, so %d writers stay idle.%n",
                        plan.writers(), actual, plan.topic(), plan.writers() - actual);
            }
        }
    }

    private void resolvePorts() {
        httpPort = ports.resolve(plan.httpPort());
        tcpPort = ports.resolve(plan.tcpPort());
        gatewayAdminPort = ports.resolve(plan.gatewayAdminPort());
        for (int index = 1; index <= plan.writers(); index++) {
            writerAdminPorts.add(ports.resolve(plan.requestedWriterAdminPort(index)));
        }
        if (plan.prometheusBinary() != null) {
            prometheusPort = ports.resolve(plan.prometheusPort());
        }
    }

    private void startGateway(Path jar) {
        Map<String, String> env = ServiceEnvironment.gateway(stack.bootstrapServers(), plan.topic(), httpPort,
                tcpPort, gatewayAdminPort);
        services.add(startJava("ingest-gateway", jar, env));
    }

    private void startWriter(Path jar, int index) {
        Map<String, String> env = ServiceEnvironment.writer(stack.bootstrapServers(), plan.topic(), stack.postgres(),
                writerAdminPorts.get(index - 1));
        services.add(startJava("db-writer-" + index, jar, env));
    }

    private ChildProcess startJava(String name, Path jar, Map<String, String> serviceEnv) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(plan.javaOptions());
        // The child drains and exits on its own when this process dies, even by SIGKILL.
        command.add("-D" + ParentWatch.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
        command.add("-jar");
        command.add(jar.toString());
        Map<String, String> env = ServiceEnvironment.forChild(System.getenv(), serviceEnv);
        ChildProcess child = ChildProcess.start(name, command, env, plan.runDir(), logFile(name));
        LOG.info("Started {} with {}", child, serviceEnv.keySet());
        return child;
    }

    private void startPrometheus() throws IOException {
        Path config = plan.runDir().resolve("prometheus.yml");
        String text = PrometheusSetup.renderConfig(gatewayAdminPort, writerAdminPorts, prometheusPort,
                plan.layout().alertRules());
        Files.writeString(config, text, StandardCharsets.UTF_8);
        List<String> command = PrometheusSetup.command(plan.prometheusBinary(), config,
                plan.runDir().resolve("prometheus-data"), prometheusPort);
        monitoring.add(ChildProcess.start("prometheus", command, System.getenv(), plan.runDir(),
                logFile("prometheus")));
    }

    private Path logFile(String name) {
        return plan.runDir().resolve(name + ".log");
    }

    private void awaitReadiness() throws InterruptedException {
        ReadinessProbe probe = new ReadinessProbe();
        List<ChildProcess> children = services.children();
        probe.awaitReady(children.get(0), adminUrl(gatewayAdminPort, "/readyz"), plan.readyTimeout());
        for (int index = 1; index <= plan.writers(); index++) {
            probe.awaitReady(children.get(index), adminUrl(writerAdminPorts.get(index - 1), "/readyz"),
                    plan.readyTimeout());
        }
        if (!monitoring.children().isEmpty()) {
            probe.awaitReady(monitoring.children().get(0), adminUrl(prometheusPort, "/-/ready"), plan.readyTimeout());
        }
    }

    private static URI adminUrl(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public String bootstrapServers() {
        return stack.bootstrapServers();
    }

    public EmbeddedPostgres postgres() {
        return stack.postgres();
    }

    public int httpPort() {
        return httpPort;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public int gatewayAdminPort() {
        return gatewayAdminPort;
    }

    public List<Integer> writerAdminPorts() {
        return List.copyOf(writerAdminPorts);
    }

    /** Returns Prometheus' base URL when it runs. */
    public Optional<URI> prometheusUrl() {
        return monitoring.children().isEmpty() ? Optional.empty()
                : Optional.of(URI.create("http://127.0.0.1:" + prometheusPort + "/"));
    }

    /** Returns each child's name and log file, in start order. */
    public List<String> logFiles() {
        List<String> logs = new ArrayList<>();
        services.children().forEach(child -> logs.add(child.name() + ": " + child.logFile()));
        monitoring.children().forEach(child -> logs.add(child.name() + ": " + child.logFile()));
        return logs;
    }

    @Override
    public String toString() {
        return "local topology (gateway and " + plan.writers() + " writers, logs in " + plan.runDir() + ")";
    }

    /** Stops the gateway and the writers (drained), then Prometheus, then PostgreSQL and Kafka. */
    @Override
    public void close() throws InterruptedException {
        try {
            services.close();
            monitoring.close();
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }
}
