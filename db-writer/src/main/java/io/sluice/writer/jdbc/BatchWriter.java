package io.sluice.writer.jdbc;

import io.sluice.writer.queue.Batch;
import io.sluice.writer.queue.WriterRecord;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one batch of one partition in one transaction, together with the partition's next offset.
 *
 * <p>The transaction locks the partition's row in the offsets table (inserting it first when missing) and checks
 * that the stored next offset equals the batch's first offset. A mismatch means a rebalance moved the partition, so
 * the batch is rolled back and reported as {@link BatchResult.Stale}. Otherwise the rows go in with
 * {@code executeBatch}. When PostgreSQL rejects a row with a data error (SQLState class 22 or 23), the transaction is
 * rolled back and redone row by row, each row under a savepoint. Rejected rows go to the dead-letter table in that
 * same transaction.
 *
 * <p>Any other {@link SQLException} is thrown to the caller, which retries the whole batch. Thread safe: each call
 * borrows its own connection.
 */
public final class BatchWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    private static final int MAX_REASON_CHARS = 2000;

    private final DataSource dataSource;
    private final Clock clock;
    private final String insertOffsetSql;
    private final String lockOffsetSql;
    private final String updateOffsetSql;
    private final String insertEventSql;
    private final String insertDeadLetterSql;

    public BatchWriter(DataSource dataSource, WriterTables tables, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        String offsets = tables.offsets().quoted();
        this.insertOffsetSql = "INSERT INTO " + offsets + " (topic, kafka_partition, next_offset) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING";
        this.lockOffsetSql = "SELECT next_offset FROM " + offsets + " WHERE topic = ? AND kafka_partition = ?"
                + " FOR UPDATE";
        this.updateOffsetSql = "UPDATE " + offsets + " SET next_offset = ?, updated_at = now()"
                + " WHERE topic = ? AND kafka_partition = ?";
        this.insertEventSql = "INSERT INTO " + tables.events().quoted()
                + " (topic, kafka_partition, kafka_offset, event_key, payload, kafka_timestamp)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, ?)";
        this.insertDeadLetterSql = "INSERT INTO " + tables.deadLetters().quoted()
                + " (topic, kafka_partition, kafka_offset, event_key, payload, reason, sql_state, kafka_timestamp)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /**
     * Writes {@code batch} in one transaction.
     *
     * @throws SQLException for anything but a data error; nothing of the batch is committed then
     */
    public BatchResult write(Batch batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                return writeInTransaction(connection, batch);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, batch);
                throw e;
            }
        }
    }

    private BatchResult writeInTransaction(Connection connection, Batch batch) throws SQLException {
        long storedOffset = lockOffset(connection, batch);
        if (storedOffset != batch.firstOffset()) {
            connection.rollback();
            return new BatchResult.Stale(batch, storedOffset);
        }
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<WriterRecord> rows = rejectInvalidUtf8(batch.records(), deadLetters);
        try {
            insertEvents(connection, rows);
        } catch (SQLException e) {
            if (!SqlErrors.isDataError(e)) {
                throw e;
            }
            LOG.debug("Batch of {} at offset {} rejected ({}); retrying row by row", batch.partition(),
                    batch.firstOffset(), SqlErrors.sqlState(e));
            connection.rollback();
            return writeRowByRow(connection, batch);
        }
        return finish(connection, batch, rows.size(), deadLetters);
    }

    /** Redoes the batch in a new transaction, one savepoint per row, dead-lettering the rows PostgreSQL rejects. */
    private BatchResult writeRowByRow(Connection connection, Batch batch) throws SQLException {
        long storedOffset = lockOffset(connection, batch);
        if (storedOffset != batch.firstOffset()) {
            connection.rollback();
            return new BatchResult.Stale(batch, storedOffset);
        }
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<WriterRecord> rows = rejectInvalidUtf8(batch.records(), deadLetters);
        int written = 0;
        try (PreparedStatement insert = connection.prepareStatement(insertEventSql)) {
            for (WriterRecord record : rows) {
                if (insertUnderSavepoint(connection, insert, record, deadLetters)) {
                    written++;
                }
            }
        }
        return finish(connection, batch, written, deadLetters);
    }

    private boolean insertUnderSavepoint(Connection connection, PreparedStatement insert, WriterRecord record,
            List<DeadLetter> deadLetters) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            bindEvent(insert, record);
            insert.executeUpdate();
            connection.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            if (!SqlErrors.isDataError(e)) {
                throw e;
            }
            connection.rollback(savepoint);
            deadLetters.add(new DeadLetter(record, SqlErrors.message(e), SqlErrors.sqlState(e)));
            return false;
        }
    }

    private BatchResult finish(Connection connection, Batch batch, int rowsWritten, List<DeadLetter> deadLetters)
            throws SQLException {
        insertDeadLetters(connection, deadLetters);
        updateOffset(connection, batch);
        connection.commit();
        long commitTimeMs = clock.millis();
        return new BatchResult.Committed(batch, rowsWritten, List.copyOf(deadLetters), commitTimeMs);
    }

    /** Inserts the partition's offset row when missing, then locks it and returns the stored next offset. */
    private long lockOffset(Connection connection, Batch batch) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(insertOffsetSql)) {
            insert.setString(1, batch.partition().topic());
            insert.setInt(2, batch.partition().partition());
            insert.setLong(3, batch.firstOffset());
            insert.executeUpdate();
        }
        try (PreparedStatement lock = connection.prepareStatement(lockOffsetSql)) {
            lock.setString(1, batch.partition().topic());
            lock.setInt(2, batch.partition().partition());
            try (ResultSet resultSet = lock.executeQuery()) {
                if (!resultSet.next()) {
                    throw new SQLException("Offset row of " + batch.partition() + " missing right after insert");
                }
                return resultSet.getLong(1);
            }
        }
    }

    private void updateOffset(Connection connection, Batch batch) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(updateOffsetSql)) {
            update.setLong(1, batch.nextOffset());
            update.setString(2, batch.partition().topic());
            update.setInt(3, batch.partition().partition());
            update.executeUpdate();
        }
    }

    /** Inserts rows with executeBatch. With {@code reWriteBatchedInserts} pgjdbc returns SUCCESS_NO_INFO counts. */
    private void insertEvents(Connection connection, List<WriterRecord> rows) throws SQLException {
        executeBatch(connection, insertEventSql, rows, this::bindEvent);
    }

    private void bindEvent(PreparedStatement insert, WriterRecord record) throws SQLException {
        insert.setString(1, record.partition().topic());
        insert.setInt(2, record.partition().partition());
        insert.setLong(3, record.offset());
        insert.setString(4, record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        insert.setString(5, new String(record.value(), StandardCharsets.UTF_8));
        insert.setObject(6, timestamp(record));
    }

    private void insertDeadLetters(Connection connection, List<DeadLetter> deadLetters) throws SQLException {
        executeBatch(connection, insertDeadLetterSql, deadLetters, this::bindDeadLetter);
    }

    /** Binds each item with {@code binder} and runs the statement as one JDBC batch; does nothing for no items. */
    private static <T> void executeBatch(Connection connection, String sql, List<T> items, Binder<T> binder)
            throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (T item : items) {
                binder.bind(statement, item);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    @FunctionalInterface
    private interface Binder<T> {
        void bind(PreparedStatement statement, T item) throws SQLException;
    }

    private void bindDeadLetter(PreparedStatement insert, DeadLetter deadLetter) throws SQLException {
        WriterRecord record = deadLetter.record();
        insert.setString(1, record.partition().topic());
        insert.setInt(2, record.partition().partition());
        insert.setLong(3, record.offset());
        insert.setString(4, record.key() == null ? null : storableText(record.key()));
        insert.setString(5, storableText(record.value()));
        insert.setString(6, truncate(escapeNul(deadLetter.reason())));
        insert.setString(7, deadLetter.sqlState());
        insert.setObject(8, timestamp(record));
    }

    /**
     * Moves records whose value is not valid UTF-8 to {@code deadLetters} and returns the others. Decoding them
     * leniently would store replacement characters in place of the client's bytes.
     */
    private static List<WriterRecord> rejectInvalidUtf8(List<WriterRecord> records, List<DeadLetter> deadLetters) {
        List<WriterRecord> valid = new ArrayList<>(records.size());
        for (WriterRecord record : records) {
            if (isValidUtf8(record.value())) {
                valid.add(record);
            } else {
                deadLetters.add(new DeadLetter(record, "Record value is not valid UTF-8", null));
            }
        }
        return valid;
    }

    private static boolean isValidUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Decodes bytes with invalid sequences replaced and NUL escaped, so a text column always accepts them. */
    static String storableText(byte[] bytes) {
        return escapeNul(new String(bytes, StandardCharsets.UTF_8));
    }

    private static String escapeNul(String text) {
        return text.indexOf('\u0000') < 0 ? text : text.replace("\u0000", "\\u0000");
    }

    private static String truncate(String text) {
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS);
    }

    private static OffsetDateTime timestamp(WriterRecord record) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(record.timestampMs()), ZoneOffset.UTC);
    }

    private static void rollbackQuietly(Connection connection, Batch batch) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("Rollback of batch {} at offset {} failed: {}", batch.partition(), batch.firstOffset(),
                    e.toString());
        }
    }
}
