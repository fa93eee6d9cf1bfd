package io.sluice.cli.stack;

import io.sluice.cli.DurationConverter;
import io.sluice.cli.topology.LocalTopology;
import io.sluice.cli.topology.ProjectLayout;
import io.sluice.cli.topology.PrometheusSetup;
import io.sluice.cli.topology.TopologyPlan;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.gateway.Gateway;
import io.sluice.writer.DbWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the whole pipeline on the embedded stack until Ctrl-C, for trying Sluice by hand. */
@Command(name = "local",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the whole pipeline on an embedded Kafka and PostgreSQL until Ctrl-C.",
            "%nWithout --writers, starts an in-process Kafka broker, an embedded PostgreSQL, the gateway and a writer,"
                + " all in this JVM, prints their endpoints and keeps them running until Ctrl-C.",
            "%nWith --writers N (N >= 1, so --writers 1 too), runs the docker-compose.yml topology as separate local"
                + " processes: the broker and PostgreSQL in this JVM, the gateway and N writers each as its own JVM"
                + " from ingest-gateway/target/ingest-gateway.jar and db-writer/target/db-writer.jar, configured"
                + " with SLUICE_* environment variables as compose configures the containers, and Prometheus when"
                + " /usr/bin/prometheus or prometheus on PATH exists. Each process logs to its own file in the run"
                + " directory. On Ctrl-C the gateway and writers get SIGTERM and drain, stragglers get SIGKILL after"
                + " --stop-timeout, then Prometheus, PostgreSQL and Kafka stop.",
            "%nEverything listens on 127.0.0.1. Port 0 picks a free port.%n"
        })
public final class LocalCommand implements Callable<Integer> {

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Gateway HTTP port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--tcp-port", paramLabel = "PORT", defaultValue = "9090",
            description = "Gateway raw TCP port (default: ${DEFAULT-VALUE}).")
    int tcpPort;

    @Option(names = "--gateway-admin-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Gateway admin port: /metrics, /healthz, /readyz (default: ${DEFAULT-VALUE}).")
    int gatewayAdminPort;

    @Option(names = "--writer-admin-port", paramLabel = "PORT", defaultValue = "8082",
            description = "Admin port of the (first) writer: /metrics, /healthz, /readyz. With --writers N, writer i"
                    + " takes PORT + i - 1, or a free port each when PORT is 0 (default: ${DEFAULT-VALUE}).")
    int writerAdminPort;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "events",
            description = "Topic to ingest into (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
            description = "Partitions of the topic; writers beyond this count stay idle (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep Kafka and PostgreSQL data in DIR between runs (default: temporary, deleted on exit).")
    Path dataDir;

    @Option(names = "--writers", paramLabel = "N",
            description = "Run the gateway and N writers as separate processes, like docker compose up --scale"
                    + " db-writer=N (default: gateway and one writer inside this JVM).")
    Integer writers;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "With --writers: directory for process logs, prometheus.yml and Prometheus data, kept"
                    + " after exit (default: DATA_DIR/run with --data-dir, else a new temporary directory).")
    Path runDir;

    @Option(names = "--prometheus-port", paramLabel = "PORT", defaultValue = "9091",
            description = "With --writers: Prometheus port, 9091 as in compose (default: ${DEFAULT-VALUE}).")
    int prometheusPort;

    @Option(names = "--no-prometheus", description = "With --writers: do not start Prometheus even if installed.")
    boolean noPrometheus;

    @Option(names = "--java-opts", paramLabel = "FLAGS", defaultValue = "-Xmx768m -XX:+ExitOnOutOfMemoryError",
            description = "With --writers: JVM flags of each gateway and writer process, split on spaces; the default"
                    + " heap is three quarters of the 1 GiB that compose gives each container, as in the Dockerfiles"
                    + " (default: ${DEFAULT-VALUE}).")
    String javaOptions;

    @Option(names = "--ready-timeout", paramLabel = "DURATION", defaultValue = "120s",
            converter = DurationConverter.class,
            description = "With --writers: maximum wait for each process to report ready (default: ${DEFAULT-VALUE}).")
    Duration readyTimeout;

    @Option(names = "--stop-timeout", paramLabel = "DURATION", defaultValue = "40s",
            converter = DurationConverter.class,
            description = "With --writers: maximum wait after SIGTERM before SIGKILL, compose's stop_grace_period"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration stopTimeout;

    @Option(names = "--project-dir", paramLabel = "DIR",
            description = "With --writers: the built Sluice checkout that contains the runnable jars (default: the"
                    + " checkout this command runs from).")
    Path projectDir;

    @Override
    public Integer call() throws Exception {
        try (ShutdownGuard guard = ShutdownGuard.install("sluice-local-shutdown")) {
            try {
                if (writers == null) {
                    startInProcess(guard);
                } else {
                    startProcesses(guard);
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                System.err.println("sluice local: " + e.getMessage());
                return 1;
            }
            System.out.println("Press Ctrl-C to stop.");
            // The shutdown hook closes everything on Ctrl-C or SIGTERM; this thread only keeps the JVM alive.
            new CountDownLatch(1).await();
        }
        return 0;
    }

    private void startInProcess(ShutdownGuard guard) {
        EmbeddedStack stack = guard.register(EmbeddedStack.start(dataDir, Map.of()));
        PipelineSettings settings = new PipelineSettings(stack.bootstrapServers(), stack.postgres(), topic,
                partitions)
                .gateway("gateway.http.port", httpPort)
                .gateway("gateway.tcp.port", tcpPort)
                .gateway("gateway.admin.port", gatewayAdminPort)
                .writer("writer.admin.port", writerAdminPort);
        Gateway gateway = guard.register(Gateway.start(settings.gatewaySettings()));
        DbWriter writer = guard.register(DbWriter.start(settings.writerSettings()));
        PrintStream out = System.out;
        out.println("Sluice is running on the embedded stack, in this JVM.");
        printIngest(out, gateway.httpPort(), gateway.tcpPort());
        printAdmin(out, "gateway admin", gateway.adminPort());
        printAdmin(out, "writer admin", writer.adminPort());
        printStorage(out, stack.bootstrapServers(), stack.postgres());
    }

    private void startProcesses(ShutdownGuard guard) throws Exception {
        PrintStream out = System.out;
        TopologyPlan plan = topologyPlan(out);
        out.printf("Starting Kafka, PostgreSQL, the gateway and %d writers; logs in %s%n", plan.writers(),
                plan.runDir());
        LocalTopology topology = guard.register(LocalTopology.start(plan, out));
        out.printf("Sluice is running as separate processes (%d writers in consumer group sluice-db-writer).%n",
                plan.writers());
        printIngest(out, topology.httpPort(), topology.tcpPort());
        printAdmin(out, "gateway admin", topology.gatewayAdminPort());
        List<Integer> writerPorts = topology.writerAdminPorts();
        for (int i = 0; i < writerPorts.size(); i++) {
            printAdmin(out, "writer " + (i + 1) + " admin", writerPorts.get(i));
        }
        printStorage(out, topology.bootstrapServers(), topology.postgres());
        topology.prometheusUrl().ifPresent(url -> printPrometheus(out, url));
        topology.logFiles().forEach(log -> out.printf("  log             %s%n", log));
    }

    private TopologyPlan topologyPlan(PrintStream out) throws IOException {
        ProjectLayout layout = projectDir != null ? new ProjectLayout(projectDir) : ProjectLayout.ofRunningCode();
        Path prometheus = null;
        if (!noPrometheus) {
            prometheus = PrometheusSetup.findBinary(System.getenv()).orElse(null);
            if (prometheus == null) {
                out.println(PrometheusSetup.INSTALL_HINT);
            }
        }
        List<String> jvmFlags = Arrays.stream(javaOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        return new TopologyPlan(layout, runDirOrDefault(), dataDir, topic, partitions, writers, httpPort, tcpPort,
                gatewayAdminPort, writerAdminPort, prometheus, prometheusPort, jvmFlags, readyTimeout, stopTimeout);
    }

    private Path runDirOrDefault() throws IOException {
        if (runDir != null) {
            return runDir;
        }
        if (dataDir != null) {
            return dataDir.resolve("run");
        }
        return Files.createTempDirectory("sluice-local-");
    }

    private void printIngest(PrintStream out, int http, int tcp) {
        out.printf("  HTTP ingest     POST http://127.0.0.1:%d/topics/%s (Content-Type: application/x-ndjson)%n",
                http, topic);
        out.printf("  TCP ingest      127.0.0.1:%d (NDJSON lines to topic %s)%n", tcp, topic);
        out.printf("  try             curl -sS -H 'Content-Type: application/x-ndjson' --data-binary"
                + " $'{\"id\":\"1\",\"amount\":12.5}\\n{\"id\":\"2\",\"amount\":7}\\n'"
                + " http://127.0.0.1:%d/topics/%s%n", http, topic);
        out.printf("  try TCP         echo '{\"id\":\"3\"}' | nc -N 127.0.0.1 %d%n", tcp);
    }

    private static void printAdmin(PrintStream out, String label, int port) {
        out.printf("  %-15s http://127.0.0.1:%2$d/metrics  http://127.0.0.1:%2$d/healthz"
                + "  http://127.0.0.1:%2$d/readyz%n", label, port);
    }

    private static void printStorage(PrintStream out, String bootstrapServers, EmbeddedPostgres postgres) {
        out.printf("  Kafka           %s%n", bootstrapServers);
        out.printf("  JDBC            %s (user %s)%n", postgres.jdbcUrl(), postgres.user());
        out.printf("  psql            %s%n", psqlCommand(postgres));
    }

    private static void printPrometheus(PrintStream out, URI url) {
        out.printf("  Prometheus      %s  (alerts: %salerts, targets: %stargets)%n", url, url, url);
    }

    /** Builds a psql command line from a JDBC URL such as {@code jdbc:postgresql://127.0.0.1:5432/postgres?x=y}. */
    static String psqlCommand(EmbeddedPostgres postgres) {
        URI uri = URI.create(postgres.jdbcUrl().substring("jdbc:".length()));
        String path = uri.getPath();
        String database = path == null || path.length() <= 1 ? EmbeddedPostgres.DATABASE : path.substring(1);
        String password = postgres.password() == null || postgres.password().isEmpty()
                ? "" : "PGPASSWORD='" + postgres.password() + "' ";
        return String.format("%spsql -h %s -p %d -U %s %s", password, uri.getHost(), uri.getPort(), postgres.user(),
                database);
    }
}
