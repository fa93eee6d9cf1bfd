package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.common.config.Settings;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.gateway.Gateway;
import io.sluice.gateway.config.GatewayConfig;
import io.sluice.writer.DbWriter;
import io.sluice.writer.config.WriterConfig;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The pipeline against the official PostgreSQL image instead of the embedded binaries. Runs only where a Docker
 * engine is available; {@link PipelineEndToEndTest} covers the same path everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WriterOnContainerPostgresTest {

    @Container
    private static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:17");

    @Test
    void eventsBecomeRowsInContainerPostgres() throws Exception {
        List<String> ids = EventSenders.ids("container", 5_000);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, Map.of());
             Gateway gateway = Gateway.start(gatewaySettings(kafka));
             DbWriter writer = DbWriter.start(writerSettings(kafka))) {
            for (HttpResponse<String> response : EventSenders.postAll(gateway.httpPort(), ids, 1_000)) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> countRows() >= ids.size());
        }
        assertThat(countRows()).isEqualTo(ids.size());
    }

    private static Settings gatewaySettings(EmbeddedKafka kafka) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("gateway.bind.host", "127.0.0.1");
        overrides.put("gateway.http.port", "0");
        overrides.put("gateway.tcp.port", "0");
        overrides.put("gateway.admin.port", "0");
        overrides.put("gateway.topics.create", "true");
        overrides.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        return Settings.load(GatewayConfig.DEFINITION, null, Map.of(), overrides);
    }

    private static Settings writerSettings(EmbeddedKafka kafka) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("writer.bind.host", "127.0.0.1");
        overrides.put("writer.admin.port", "0");
        overrides.put("writer.jdbc.url", POSTGRES.getJdbcUrl());
        overrides.put("writer.jdbc.user", POSTGRES.getUsername());
        overrides.put("writer.jdbc.password", POSTGRES.getPassword());
        overrides.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        return Settings.load(WriterConfig.DEFINITION, null, Map.of(), overrides);
    }

    private static long countRows() throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES.getJdbcUrl(), POSTGRES.getUsername(),
                POSTGRES.getPassword());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM sluice_events")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
