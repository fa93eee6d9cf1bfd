package io.sluice.cli.topology;

import io.sluice.embedded.EmbeddedPostgres;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code SLUICE_*} environment of the gateway and of each writer, as {@code docker-compose.yml} sets it for
 * the containers. Two differences: the listeners bind to 127.0.0.1 instead of every address of a container, and
 * the Kafka and JDBC addresses are those of the embedded broker and PostgreSQL.
 */
final class ServiceEnvironment {

    /** Consumer group of every writer, as in the compose file. */
    static final String WRITER_GROUP_ID = "sluice-db-writer";
    private static final String PREFIX = "SLUICE_";

    private ServiceEnvironment() {
    }

    /** Returns the gateway's variables; topics are created beforehand, as compose's kafka-init does. */
    static Map<String, String> gateway(String bootstrapServers, String topic, int httpPort, int tcpPort,
                                       int adminPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLUICE_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("SLUICE_GATEWAY_BIND_HOST", "127.0.0.1");
        env.put("SLUICE_GATEWAY_TOPICS", topic);
        env.put("SLUICE_GATEWAY_TCP_TOPIC", topic);
        env.put("SLUICE_GATEWAY_TOPICS_CREATE", "false");
        env.put("SLUICE_GATEWAY_HTTP_PORT", Integer.toString(httpPort));
        env.put("SLUICE_GATEWAY_TCP_PORT", Integer.toString(tcpPort));
        env.put("SLUICE_GATEWAY_ADMIN_PORT", Integer.toString(adminPort));
        return env;
    }

    /** Returns one writer's variables; writers differ only in their admin port. */
    static Map<String, String> writer(String bootstrapServers, String topic, EmbeddedPostgres postgres,
                                      int adminPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLUICE_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("SLUICE_WRITER_BIND_HOST", "127.0.0.1");
        env.put("SLUICE_WRITER_TOPICS", topic);
        env.put("SLUICE_WRITER_GROUP_ID", WRITER_GROUP_ID);
        env.put("SLUICE_WRITER_JDBC_URL", postgres.jdbcUrl());
        env.put("SLUICE_WRITER_JDBC_USER", postgres.user());
        env.put("SLUICE_WRITER_JDBC_PASSWORD", postgres.password());
        env.put("SLUICE_WRITER_ADMIN_PORT", Integer.toString(adminPort));
        return env;
    }

    /**
     * Returns {@code inherited} without its {@code SLUICE_*} variables, plus {@code service}. Dropping the inherited
     * ones keeps a variable meant for one service from reaching (and failing) the other, and makes the printed
     * settings the whole configuration.
     */
    static Map<String, String> forChild(Map<String, String> inherited, Map<String, String> service) {
        Map<String, String> env = new LinkedHashMap<>();
        inherited.forEach((name, value) -> {
            if (!name.startsWith(PREFIX)) {
                env.put(name, value);
            }
        });
        env.putAll(service);
        return env;
    }
}
