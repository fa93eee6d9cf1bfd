package io.sluice.cli.bench;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The ceiling for the writer: text {@code COPY} of the same rows into a table of the same layout through
 * pgjdbc's {@link CopyManager}, with offsets stored as the writer stores them. Each batch of one partition is
 * one transaction: lock the partition's offsets row, check the expected offset, copy the rows, update
 * {@code next_offset}, commit. Partitions are spread over {@code threads} connections.
 */
final class CopyBaseline {

    static final String EVENTS_TABLE = "bench_copy_events";
    static final String OFFSETS_TABLE = "bench_copy_offsets";

    private CopyBaseline() {
    }

    /** Creates or empties the two tables. */
    static void prepareTables(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + EVENTS_TABLE + " (topic text NOT NULL,"
                    + " kafka_partition integer NOT NULL, kafka_offset bigint NOT NULL, event_key text,"
                    + " payload jsonb NOT NULL, kafka_timestamp timestamptz NOT NULL,"
                    + " written_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (topic, kafka_partition, kafka_offset))");
            statement.execute("CREATE TABLE IF NOT EXISTS " + OFFSETS_TABLE + " (topic text NOT NULL,"
                    + " kafka_partition integer NOT NULL, next_offset bigint NOT NULL,"
                    + " updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (topic, kafka_partition))");
            statement.execute("TRUNCATE " + EVENTS_TABLE + ", " + OFFSETS_TABLE);
        }
    }

    /** Copies {@code rows} in batches of {@code batchRows} and returns the rows copied per second. */
    static double run(String jdbcUrl, String user, String password, List<BenchRow> rows, int batchRows, int threads)
            throws Exception {
        List<List<BenchRow>> lanes = lanes(rows, threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long startNanos = System.nanoTime();
        try {
            List<Future<Long>> copied = new ArrayList<>();
            for (List<BenchRow> lane : lanes) {
                copied.add(pool.submit(() -> copyLane(jdbcUrl, user, password, lane, batchRows)));
            }
            long total = 0;
            for (Future<Long> future : copied) {
                total += future.get();
            }
            return total / ((System.nanoTime() - startNanos) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Splits rows by partition into {@code threads} lanes, keeping each partition in offset order in one lane. */
    private static List<List<BenchRow>> lanes(List<BenchRow> rows, int threads) {
        List<List<BenchRow>> lanes = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            lanes.add(new ArrayList<>());
        }
        for (BenchRow row : rows) {
            lanes.get(row.partition() % threads).add(row);
        }
        return lanes;
    }

    private static long copyLane(String jdbcUrl, String user, String password, List<BenchRow> lane, int batchRows)
            throws SQLException, java.io.IOException {
        Map<Integer, List<BenchRow>> byPartition = new TreeMap<>();
        for (BenchRow row : lane) {
            byPartition.computeIfAbsent(row.partition(), p -> new ArrayList<>()).add(row);
        }
        long copied = 0;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            connection.setAutoCommit(false);
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            for (List<BenchRow> partitionRows : byPartition.values()) {
                for (int from = 0; from < partitionRows.size(); from += batchRows) {
                    int to = Math.min(partitionRows.size(), from + batchRows);
                    copied += copyBatch(connection, copy, partitionRows.subList(from, to));
                }
            }
        }
        return copied;
    }

    private static long copyBatch(Connection connection, CopyManager copy, List<BenchRow> batch)
            throws SQLException, java.io.IOException {
        BenchRow first = batch.get(0);
        long stored = lockOffset(connection, first);
        if (stored != first.offset()) {
            connection.rollback();
            throw new IllegalStateException("Stored offset " + stored + " in " + OFFSETS_TABLE + " does not match batch"
                    + " start " + first.offset() + " for " + first.topic() + "-" + first.partition()
                    + ": another process wrote to the table during the run; run the bench again");
        }
        // The COPY is complete before the next statement, because pgjdbc 42.7 hangs on a statement run while a
        // COPY is open.
        long copied = copy.copyIn("COPY " + EVENTS_TABLE + " (topic, kafka_partition, kafka_offset, event_key,"
                + " payload, kafka_timestamp) FROM STDIN (FORMAT text)", new StringReader(copyText(batch)));
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + OFFSETS_TABLE
                + " SET next_offset = ?, updated_at = now() WHERE topic = ? AND kafka_partition = ?")) {
            update.setLong(1, batch.get(batch.size() - 1).offset() + 1);
            update.setString(2, first.topic());
            update.setInt(3, first.partition());
            update.executeUpdate();
        }
        connection.commit();
        return copied;
    }

    private static long lockOffset(Connection connection, BenchRow first) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + OFFSETS_TABLE
                + " (topic, kafka_partition, next_offset) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, first.topic());
            insert.setInt(2, first.partition());
            insert.setLong(3, first.offset());
            insert.executeUpdate();
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT next_offset FROM " + OFFSETS_TABLE
                + " WHERE topic = ? AND kafka_partition = ? FOR UPDATE")) {
            select.setString(1, first.topic());
            select.setInt(2, first.partition());
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** Renders rows in COPY text format: tab-separated, {@code \N} for null, backslash escapes. */
    static String copyText(List<BenchRow> batch) {
        StringBuilder text = new StringBuilder(batch.size() * 300);
        for (BenchRow row : batch) {
            appendField(text, row.topic()).append('\t');
            text.append(row.partition()).append('\t').append(row.offset()).append('\t');
            appendField(text, row.key()).append('\t');
            appendField(text, row.payload()).append('\t');
            text.append(Instant.ofEpochMilli(row.timestampMs())).append('\n');
        }
        return text.toString();
    }

    private static StringBuilder appendField(StringBuilder text, String value) {
        if (value == null) {
            return text.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
        return text;
    }
}
