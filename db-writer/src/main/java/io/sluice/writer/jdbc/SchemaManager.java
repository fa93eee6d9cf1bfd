package io.sluice.writer.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the events, offsets and dead-letter tables when they are missing. */
public final class SchemaManager {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaManager.class);

    /**
     * Key of the transaction-scoped advisory lock that serialises schema creation. Two writers running
     * {@code CREATE TABLE IF NOT EXISTS} at the same moment can otherwise fail with a unique violation on the catalog.
     */
    private static final long SCHEMA_LOCK_KEY = 0x5_11CE_5C4EL;

    private final WriterTables tables;

    public SchemaManager(WriterTables tables) {
        this.tables = tables;
    }

    /** Creates the missing tables in one transaction. */
    public void createIfMissing(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
            statement.execute(eventsDdl());
            statement.execute(offsetsDdl());
            statement.execute(deadLettersDdl());
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        LOG.info("Schema ready: events table {}, offsets table {}, dead-letter table {}",
                tables.events(), tables.offsets(), tables.deadLetters());
    }

    String eventsDdl() {
        return "CREATE TABLE IF NOT EXISTS " + tables.events().quoted() + " ("
                + "topic text NOT NULL, "
                + "kafka_partition integer NOT NULL, "
                + "kafka_offset bigint NOT NULL, "
                + "event_key text, "
                + "payload jsonb NOT NULL, "
                + "kafka_timestamp timestamptz NOT NULL, "
                + "written_at timestamptz NOT NULL DEFAULT now(), "
                + "PRIMARY KEY (topic, kafka_partition, kafka_offset))";
    }

    String offsetsDdl() {
        return "CREATE TABLE IF NOT EXISTS " + tables.offsets().quoted() + " ("
                + "topic text NOT NULL, "
                + "kafka_partition integer NOT NULL, "
                + "next_offset bigint NOT NULL, "
                + "updated_at timestamptz NOT NULL DEFAULT now(), "
                + "PRIMARY KEY (topic, kafka_partition))";
    }

    String deadLettersDdl() {
        return "CREATE TABLE IF NOT EXISTS " + tables.deadLetters().quoted() + " ("
                + "topic text NOT NULL, "
                + "kafka_partition integer NOT NULL, "
                + "kafka_offset bigint NOT NULL, "
                + "event_key text, "
                + "payload text NOT NULL, "
                + "reason text NOT NULL, "
                + "sql_state text, "
                + "kafka_timestamp timestamptz NOT NULL, "
                + "failed_at timestamptz NOT NULL DEFAULT now(), "
                + "PRIMARY KEY (topic, kafka_partition, kafka_offset))";
    }
}
