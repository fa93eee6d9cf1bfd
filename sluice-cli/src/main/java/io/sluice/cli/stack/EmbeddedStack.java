package io.sluice.cli.stack;

import io.sluice.embedded.EmbeddedKafka;
import io.sluice.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Kafka broker and an embedded PostgreSQL (real binaries, {@code fsync} and
 * {@code synchronous_commit} on), started together and closed in reverse order.
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

    private final EmbeddedKafka kafka;
    private final EmbeddedPostgres postgres;

    private EmbeddedStack(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    /**
     * Starts both. With a {@code dataDir} the broker keeps its log in {@code dataDir/kafka} and PostgreSQL its
     * cluster in {@code dataDir/postgres}. Without one both use temporary directories.
     */
    public static EmbeddedStack start(Path dataDir, Map<String, String> brokerConfig) {
        Path kafkaDir = dataDir == null ? null : dataDir.resolve("kafka");
        Path postgresDir = dataDir == null ? null : dataDir.resolve("postgres");
        long startNanos = System.nanoTime();
        EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir, brokerConfig);
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.start(postgresDir, true);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info("Embedded stack started in {} ms: Kafka at {}, PostgreSQL at {}",
                (System.nanoTime() - startNanos) / 1_000_000, kafka.bootstrapServers(), postgres.jdbcUrl());
        return new EmbeddedStack(kafka, postgres);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }

    @Override
    public String toString() {
        return "embedded stack (Kafka at " + kafka.bootstrapServers() + ", PostgreSQL at " + postgres.jdbcUrl() + ")";
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } finally {
            kafka.close();
        }
    }
}
