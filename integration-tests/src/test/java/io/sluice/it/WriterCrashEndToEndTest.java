package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.gateway.Gateway;
import io.sluice.writer.DbWriter;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writers killed with SIGKILL mid-stream and replaced leave every event in PostgreSQL exactly once: offsets are
 * stored in the same transaction as the rows, so a replacement resumes where the last commit ended.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class WriterCrashEndToEndTest {

    private static final Path WRITER_JAR = Path.of("..", "db-writer", "target", "db-writer.jar");
    private static final int EVENTS = 40_000;

    private static PipelineStack stack;

    @BeforeAll
    static void startStack() {
        assertThat(WRITER_JAR).as("runnable writer jar; build it with mvn package from the repository root")
                .exists();
        stack = PipelineStack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void killedWritersLeaveNoDuplicateAndNoGap() throws Exception {
        List<String> ids = EventSenders.ids("crash", EVENTS);
        try (Gateway gateway = stack.startGateway()) {
            for (HttpResponse<String> response : EventSenders.postAll(gateway.httpPort(), ids, 2_000)) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            }
        }

        runWriterProcessUntilRows(8_000, "first");
        runWriterProcessUntilRows(20_000, "second");

        try (DbWriter writer = stack.startWriter(Map.of("kafka.consumer.session.timeout.ms", "6000"))) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> stack.rowCount() >= EVENTS);
            Thread.sleep(1_000);
        }

        assertThat(stack.rowCount()).isEqualTo(EVENTS);
        assertThat(stack.storedIds()).isEqualTo(new HashSet<>(ids));
        assertThat(stack.partitionsWithGaps()).isZero();
        assertThat(stack.queryLong("SELECT coalesce(sum(next_offset), 0) FROM sluice_offsets")).isEqualTo(EVENTS);
    }

    /** Starts the runnable writer jar as its own JVM, waits until the table has {@code rows} rows, then kills it. */
    private static void runWriterProcessUntilRows(long rows, String name) throws Exception {
        Path log = Files.createDirectories(Path.of("target")).resolve("writer-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-Xmx256m", "-jar", WRITER_JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        stack.writerOverrides().forEach((key, value) -> env.put(toEnvironmentName(key), value));
        env.put("SLUICE_WRITER_MAX_ROWS_PER_SECOND", "4000");
        env.put("SLUICE_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000");
        env.put("SLUICE_KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000");

        Process writer = builder.start();
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .failFast("writer process exited; see " + log, () -> !writer.isAlive())
                    .until(() -> stack.rowCount() >= rows);
        } finally {
            writer.destroyForcibly();
            writer.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(stack.rowCount()).as("rows after killing the %s writer", name).isLessThan(EVENTS);
    }

    private static String toEnvironmentName(String key) {
        return "SLUICE_" + key.toUpperCase().replace('.', '_');
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
