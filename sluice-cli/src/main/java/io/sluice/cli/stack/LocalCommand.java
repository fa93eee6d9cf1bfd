package io.sluice.cli.stack;

import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.gateway.Gateway;
import io.sluice.writer.DbWriter;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the whole pipeline on the embedded stack until Ctrl-C, for trying Sluice by hand. */
@Command(name = "local",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the whole pipeline on an embedded Kafka and PostgreSQL until Ctrl-C.",
            "%nStarts an in-process Kafka broker, an embedded PostgreSQL, the gateway and a writer, prints their"
                + " endpoints and keeps them running until Ctrl-C. Port 0 picks a free port.%n"
        })
public final class LocalCommand implements Callable<Integer> {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

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
            description = "Writer admin port: /metrics, /healthz, /readyz (default: ${DEFAULT-VALUE}).")
    int writerAdminPort;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "events",
            description = "Topic to ingest into (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
            description = "Partitions of the topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    // NOTE: a second start on the same directory fails with "Invalid cluster.id" because EmbeddedKafka formats
    // the log directory with a new random cluster id on every start.
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep Kafka and PostgreSQL data in DIR between runs (default: temporary, deleted on exit).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread shutdownHook = new Thread(() -> awaitClose(stopRequested, closed), "sluice-local-shutdown");
        try (EmbeddedStack stack = EmbeddedStack.start(dataDir, Map.of())) {
            PipelineSettings settings = new PipelineSettings(stack.bootstrapServers(), stack.postgres(), topic,
                    partitions)
                    .gateway("gateway.http.port", httpPort)
                    .gateway("gateway.tcp.port", tcpPort)
                    .gateway("gateway.admin.port", gatewayAdminPort)
                    .writer("writer.admin.port", writerAdminPort);
            try (Gateway gateway = Gateway.start(settings.gatewaySettings());
                 DbWriter writer = DbWriter.start(settings.writerSettings())) {
                Runtime.getRuntime().addShutdownHook(shutdownHook);
                printEndpoints(System.out, stack, gateway, writer);
                stopRequested.await();
                System.out.println("Stopping: writer, gateway, PostgreSQL, Kafka.");
            }
        } finally {
            closed.countDown();
        }
        return 0;
    }

    /**
     * Runs in the shutdown hook on Ctrl-C or SIGTERM. It wakes the main thread and keeps the JVM alive until the
     * main thread has closed the writer, the gateway and the stack in that order, so the writer can drain first.
     * NOTE: the embedded PostgreSQL library registers its own shutdown hook, which stops the server at the same
     * time, so the writer's last batches can fail with SQLState 57P01. They were not committed and stay in Kafka.
     */
    private static void awaitClose(CountDownLatch stopRequested, CountDownLatch closed) {
        stopRequested.countDown();
        try {
            if (!closed.await(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                System.err.println("Stopping took longer than " + CLOSE_TIMEOUT + "; exiting anyway.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void printEndpoints(PrintStream out, EmbeddedStack stack, Gateway gateway, DbWriter writer) {
        EmbeddedPostgres postgres = stack.postgres();
        out.println("Sluice is running on the embedded stack. Press Ctrl-C to stop.");
        out.printf("  HTTP ingest     POST http://127.0.0.1:%d/topics/%s (Content-Type: application/x-ndjson)%n",
                gateway.httpPort(), topic);
        out.printf("  TCP ingest      127.0.0.1:%d (NDJSON lines to topic %s)%n", gateway.tcpPort(), topic);
        out.printf("  gateway admin   http://127.0.0.1:%1$d/metrics  http://127.0.0.1:%1$d/healthz"
                + "  http://127.0.0.1:%1$d/readyz%n", gateway.adminPort());
        out.printf("  writer admin    http://127.0.0.1:%1$d/metrics  http://127.0.0.1:%1$d/healthz"
                + "  http://127.0.0.1:%1$d/readyz%n", writer.adminPort());
        out.printf("  Kafka           %s%n", stack.bootstrapServers());
        out.printf("  JDBC            %s (user %s)%n", postgres.jdbcUrl(), postgres.user());
        out.printf("  psql            %s%n", psqlCommand(postgres));
        out.printf("  try             curl -sS -H 'Content-Type: application/x-ndjson' --data-binary"
                + " $'{\"id\":\"1\",\"amount\":12.5}\\n{\"id\":\"2\",\"amount\":7}\\n'"
                + " http://127.0.0.1:%d/topics/%s%n", gateway.httpPort(), topic);
        out.printf("  try TCP         echo '{\"id\":\"3\"}' | nc -N 127.0.0.1 %d%n", gateway.tcpPort());
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
