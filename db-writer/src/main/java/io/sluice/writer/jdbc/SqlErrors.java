package io.sluice.writer.jdbc;

import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * Classifies {@link SQLException}s by SQLState class, never by message text.
 *
 * <p>Class 22 (data exception) and 23 (integrity constraint violation) mean PostgreSQL rejected a row: the row goes
 * to the dead-letter table. Everything else is a connection or server problem, and the whole batch is retried.
 */
public final class SqlErrors {

    private SqlErrors() {
    }

    /** Returns whether PostgreSQL rejected the data itself, so retrying the same row cannot succeed. */
    public static boolean isDataError(SQLException e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /**
     * Returns the SQLState of {@code e}, or of the exception chained to it when {@code e} has none. pgjdbc wraps the
     * server's error of a batch in a {@link java.sql.BatchUpdateException} reachable through
     * {@link SQLException#getNextException()}.
     */
    public static String sqlState(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if (current.getSQLState() != null) {
                return current.getSQLState();
            }
        }
        return e.getCause() instanceof SQLException cause ? cause.getSQLState() : null;
    }

    /** Returns the most specific message of {@code e}: the chained server error when there is one. */
    public static String message(SQLException e) {
        SQLException next = e.getNextException();
        return next != null && next.getMessage() != null ? next.getMessage() : String.valueOf(e.getMessage());
    }

    /** Returns the {@code cause} label of {@code sluice_writer_retries_total} for a retried failure. */
    public static String retryCause(SQLException e) {
        String state = sqlState(e) == null ? "" : sqlState(e);
        if (state.startsWith("08")) {
            return "connection";
        }
        if (state.startsWith("53")) {
            return "insufficient_resources";
        }
        if (state.startsWith("57")) {
            return "operator_intervention";
        }
        if (state.equals("40001")) {
            return "serialization_failure";
        }
        if (state.equals("40P01")) {
            return "deadlock";
        }
        return e instanceof SQLTransientException ? "transient" : "other";
    }
}
