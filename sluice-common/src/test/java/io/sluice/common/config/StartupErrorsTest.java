package io.sluice.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StartupErrorsTest {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(buffer, true, StandardCharsets.UTF_8);

    @Test
    void configErrorPrintsLinesWithoutStackTrace() {
        ConfigDef def = ConfigDef.of(ConfigKey.integer("gateway.http.port", 8080, "HTTP port"));
        Map<String, String> env = Map.of("SLUICE_GATEWAY_HTTP_PORT", "abc", "SLUICE_KAFKA_PRODUCER_LINGERMS", "10");
        Throwable error = catchThrowable(() -> Settings.load(def, null, env, Map.of()));

        int exitCode = StartupErrors.report(error, err);

        assertThat(exitCode).isEqualTo(StartupErrors.EXIT_CONFIG_ERROR);
        assertThat(output()).isEqualTo("Invalid configuration:\n"
                + "  gateway.http.port=abc from SLUICE_GATEWAY_HTTP_PORT: must be an integer\n"
                + "  unknown config key kafka.producer.lingerms from SLUICE_KAFKA_PRODUCER_LINGERMS: lingerms is not "
                + "a Kafka producer setting; did you mean kafka.producer.linger.ms (SLUICE_KAFKA_PRODUCER_LINGER_MS)?"
                + "\n");
    }

    @Test
    void wrappedKafkaConfigErrorPrintedPlainly() {
        Throwable kafkaError = new org.apache.kafka.common.config.ConfigException("buffer.memory", "abc",
                "Not a number of type LONG");
        Throwable wrapped = new KafkaException("Failed to construct kafka producer", kafkaError);

        int exitCode = StartupErrors.report(wrapped, err);

        assertThat(exitCode).isEqualTo(StartupErrors.EXIT_CONFIG_ERROR);
        assertThat(output()).isEqualTo("Invalid configuration, rejected by the Kafka client:\n"
                + "  Invalid value abc for configuration buffer.memory: Not a number of type LONG\n");
    }

    @Test
    void otherErrorKeepsStackTrace() {
        int exitCode = StartupErrors.report(new IllegalStateException("port 8080 in use"), err);

        assertThat(exitCode).isEqualTo(StartupErrors.EXIT_FAILED);
        assertThat(output()).startsWith("Failed to start: java.lang.IllegalStateException: port 8080 in use\n");
        assertThat(output()).contains("\tat io.sluice.common.config.StartupErrorsTest");
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
