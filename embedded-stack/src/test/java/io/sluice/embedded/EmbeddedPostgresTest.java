package io.sluice.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EmbeddedPostgresTest {

    @TempDir
    Path tempDir;

    @Test
    void durableTurnsFsyncOn() throws SQLException {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(null, true);
             Connection connection = postgres.dataSource().getConnection()) {
            assertThat(show(connection, "fsync")).isEqualTo("on");
            assertThat(show(connection, "synchronous_commit")).isEqualTo("on");
            assertThat(show(connection, "listen_addresses")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void nonDurableKeepsFsyncOff() throws SQLException {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(null, false);
             Connection connection = postgres.dataSource().getConnection()) {
            assertThat(show(connection, "fsync")).isEqualTo("off");
            assertThat(show(connection, "synchronous_commit")).isEqualTo("off");
            assertThat(show(connection, "server_version")).startsWith("18.");
        }
    }

    @Test
    void jdbcUrlConnectsWithBatchRewrite() throws SQLException {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            String expected = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres?reWriteBatchedInserts=true";
            assertThat(postgres.jdbcUrl()).isEqualTo(expected);
            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(),
                    postgres.password())) {
                assertThat(connection.isValid(2)).isTrue();
            }
        }
    }

    @Test
    void dataDirKeepsRowsAcrossRestart() throws SQLException {
        Path dataDir = tempDir.resolve("pg");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir, true)) {
            execute(postgres.dataSource(), "CREATE TABLE kept (id int PRIMARY KEY)");
            execute(postgres.dataSource(), "INSERT INTO kept VALUES (1), (2)");
        }
        assertThat(Files.exists(dataDir.resolve("PG_VERSION"))).isTrue();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir, true);
             Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM kept")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(2);
        }
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SHOW " + setting)) {
            result.next();
            return result.getString(1);
        }
    }
}
