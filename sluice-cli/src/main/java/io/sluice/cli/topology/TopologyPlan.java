package io.sluice.cli.topology;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the processes that {@code sluice local --writers N} starts. Port 0 picks a free port on 127.0.0.1
 * before the child starts. A non-zero {@code writerAdminPort} is the first writer's port, and each further writer
 * takes the next one.
 *
 * @param layout           the built checkout with the runnable jars and the alert rules
 * @param runDir           directory of the child logs, the generated prometheus.yml and Prometheus' storage
 * @param dataDir          directory that keeps Kafka and PostgreSQL data between runs, or null for temporary ones
 * @param javaOptions      JVM flags of each gateway and writer process
 * @param prometheusBinary Prometheus to start, or null to run without it
 */
public record TopologyPlan(ProjectLayout layout, Path runDir, Path dataDir, String topic, int partitions,
                           int writers, int httpPort, int tcpPort, int gatewayAdminPort, int writerAdminPort,
                           Path prometheusBinary, int prometheusPort, List<String> javaOptions,
                           Duration readyTimeout, Duration stopTimeout) {

    public TopologyPlan {
        if (writers < 1) {
            throw new IllegalArgumentException("--writers must be at least 1, got " + writers);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        if (writerAdminPort != 0 && writerAdminPort + writers - 1 > 65_535) {
            throw new IllegalArgumentException("--writer-admin-port " + writerAdminPort + " leaves no room for "
                    + writers + " writers below 65536; pick a lower port or 0 for free ports");
        }
        javaOptions = List.copyOf(javaOptions);
    }

    /** Returns the admin port requested for writer {@code index} (1-based), 0 meaning any free port. */
    int requestedWriterAdminPort(int index) {
        return writerAdminPort == 0 ? 0 : writerAdminPort + index - 1;
    }
}
