package io.sluice.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.common.config.Settings;
import io.sluice.writer.WriterTestStack.Scope;
import io.sluice.writer.config.WriterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command-line entry point in its own JVM, stopped with SIGTERM. */
@Timeout(120)
class WriterMainTest {
    private static WriterTestStack stack;

    @BeforeAll
    static void startStack() {
        stack = new WriterTestStack();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void sigtermDrainsAndLeavesGroup(@TempDir Path dir) throws Exception {
        Scope scope = stack.newScope("main", 2);
        stack.produce(scope.topic(), 2, 0, 2_000);
        // The password also in the URL must not appear in the logged settings and options.
        String urlWithPassword = stack.postgres.jdbcUrl() + "&password=" + stack.postgres.password();
        Path config = writeConfig(dir, stack.settings(scope, Map.of(WriterConfig.JDBC_URL.name(), urlWithPassword)));
        Path log = dir.resolve("writer.log");

        Process process = new ProcessBuilder(javaCommand(config)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> rows(scope) >= 2_000);
            process.destroy();

            assertThat(process.waitFor(45, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(output).contains("Shutdown signal received");
        assertThat(output).contains("consumer closed and left the group");
        assertThat(output).contains("stopped after writing 2000 rows");
        assertThat(output).doesNotContain("fatal error");
        assertThat(output).doesNotContain("password=" + stack.postgres.password());
        assertThat(output).contains("writer.jdbc.url=" + stack.postgres.jdbcUrl() + "&password=******");
        assertThat(output).contains("jdbcUrl=" + stack.postgres.jdbcUrl() + "&password=******");
        assertThat(rows(scope)).isEqualTo(2_000);
    }

    private static long rows(Scope scope) throws Exception {
        return stack.queryLong("SELECT count(*) FROM \"" + scope.events() + "\"");
    }

    private static Path writeConfig(Path dir, Settings settings) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Settings.Entry entry : settings.entries()) {
            String value = entry.key().equals("writer.jdbc.password") ? stack.postgres.password() : entry.value();
            lines.add(entry.key() + "=" + value);
        }
        Path file = dir.resolve("writer.properties");
        Files.write(file, lines);
        return file;
    }

    private static List<String> javaCommand(Path config) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), WriterMain.class.getName(),
                "--config", config.toString());
    }
}
