package io.sluice.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A JVM killed with SIGKILL does not leave its embedded PostgreSQL running. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EmbeddedPostgresOrphanTest {

    /** Starts PostgreSQL, prints its port, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.start();
        System.out.println("port=" + postgres.port());
        System.out.flush();
        Thread.sleep(120_000);
    }

    @Test
    void killedJvmStopsItsPostgres() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EmbeddedPostgresOrphanTest.class.getName()).redirectErrorStream(true).start();
        int port = readPort(jvm);
        assertThat(postgresRunningOn(port)).as("postgres running on port %d", port).isTrue();

        jvm.destroyForcibly();
        jvm.waitFor(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> !postgresRunningOn(port));
    }

    private static int readPort(Process jvm) throws Exception {
        BufferedReader output = new BufferedReader(new InputStreamReader(jvm.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = output.readLine()) != null) {
            if (line.startsWith("port=")) {
                return Integer.parseInt(line.substring("port=".length()).trim());
            }
        }
        throw new AssertionError("the child JVM exited before printing the PostgreSQL port");
    }

    private static boolean postgresRunningOn(int port) {
        return EmbeddedPostgres.postmasterPid(port).isPresent();
    }
}
