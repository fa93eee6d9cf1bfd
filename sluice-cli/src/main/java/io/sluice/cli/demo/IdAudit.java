package io.sluice.cli.demo;

import io.sluice.cli.loadgen.PaymentEventGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.BitSet;
import javax.sql.DataSource;

/**
 * Checks by event id, in SQL, that every acknowledged event is stored in the events table exactly once.
 *
 * @param rows         rows of the topic in the events table
 * @param acknowledged events the gateway acknowledged to the load generator
 * @param lost         acknowledged ids missing from the table
 * @param duplicated   extra copies of ids stored more than once
 * @param foreignRows  rows whose id does not belong to this run (for example from an earlier run)
 */
public record IdAudit(long rows, long acknowledged, long lost, long duplicated, long foreignRows) {

    /**
     * Streams {@code payload->>'id'} with its count per id for {@code topic} and compares the ids with
     * {@code acknowledged}.
     */
    public static IdAudit run(DataSource dataSource, String eventsTable, String topic, PaymentEventGenerator generator,
                              BitSet acknowledged) throws SQLException {
        String sql = "SELECT payload->>'id' AS id, count(*) AS copies FROM " + eventsTable
                + " WHERE topic = ? GROUP BY 1";
        BitSet present = new BitSet();
        long rows = 0;
        long duplicated = 0;
        long foreignRows = 0;
        try (Connection connection = dataSource.getConnection()) {
            // A cursor (fetch size with autocommit off) streams the ids instead of loading them all at once.
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setFetchSize(10_000);
                statement.setString(1, topic);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        long copies = result.getLong("copies");
                        rows += copies;
                        String id = result.getString("id");
                        long sequence = id == null ? -1 : generator.sequenceOf(id);
                        if (sequence < 0) {
                            foreignRows += copies;
                            continue;
                        }
                        present.set(Math.toIntExact(sequence));
                        duplicated += copies - 1;
                    }
                }
            }
            connection.rollback();
        }
        BitSet missing = (BitSet) acknowledged.clone();
        missing.andNot(present);
        return new IdAudit(rows, acknowledged.cardinality(), missing.cardinality(), duplicated, foreignRows);
    }
}
