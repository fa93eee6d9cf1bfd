package io.sluice.writer.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

    @Test
    void dataAndConstraintClassesAreDataErrors() {
        assertThat(SqlErrors.isDataError(new SQLException("unsupported escape", "22P05"))).isTrue();
        assertThat(SqlErrors.isDataError(new SQLException("invalid json", "22P02"))).isTrue();
        assertThat(SqlErrors.isDataError(new SQLException("duplicate key", "23505"))).isTrue();
    }

    @Test
    void serverAndConnectionClassesAreRetried() {
        assertThat(SqlErrors.isDataError(new SQLException("connection lost", "08006"))).isFalse();
        assertThat(SqlErrors.isDataError(new SQLException("terminated", "57P01"))).isFalse();
        assertThat(SqlErrors.isDataError(new SQLException("no state"))).isFalse();
    }

    @Test
    void retryCauseFollowsSqlState() {
        assertThat(SqlErrors.retryCause(new SQLException("x", "08006"))).isEqualTo("connection");
        assertThat(SqlErrors.retryCause(new SQLException("x", "53300"))).isEqualTo("insufficient_resources");
        assertThat(SqlErrors.retryCause(new SQLException("x", "57P01"))).isEqualTo("operator_intervention");
        assertThat(SqlErrors.retryCause(new SQLException("x", "40001"))).isEqualTo("serialization_failure");
        assertThat(SqlErrors.retryCause(new SQLException("x", "40P01"))).isEqualTo("deadlock");
        assertThat(SqlErrors.retryCause(new SQLTransientConnectionException("pool timeout"))).isEqualTo("transient");
        assertThat(SqlErrors.retryCause(new SQLException("x", "42P01"))).isEqualTo("other");
    }

    @Test
    void batchExceptionUsesChainedState() {
        BatchUpdateException batch = new BatchUpdateException("batch entry 3 failed", null, 0, new int[0], null);
        batch.setNextException(new SQLException("unsupported Unicode escape sequence", "22P05"));

        assertThat(SqlErrors.sqlState(batch)).isEqualTo("22P05");
        assertThat(SqlErrors.isDataError(batch)).isTrue();
        assertThat(SqlErrors.message(batch)).contains("Unicode");
    }
}
