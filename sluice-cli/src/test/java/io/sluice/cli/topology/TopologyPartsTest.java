package io.sluice.cli.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the local topology that need no broker: jars, Prometheus config, child processes, plan checks. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TopologyPartsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(consoleBytes, true, StandardCharsets.UTF_8);

    @Test
    void missingJarNamesFileAndBuild() {
        ProjectLayout layout = new ProjectLayout(dir);

        assertThatThrownBy(layout::gatewayJar)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("ingest-gateway/target/ingest-gateway.jar").toString())
                .hasMessageContaining("mvn -DskipTests install");
        assertThatThrownBy(layout::writerJar).hasMessageContaining("db-writer.jar");
    }

    @Test
    void runningCodeFindsTheCheckout() {
        ProjectLayout layout = ProjectLayout.ofRunningCode();

        assertThat(layout.root().resolve("sluice-cli").resolve("pom.xml")).exists();
        assertThat(layout.alertRules()).exists();
    }

    @Test
    void prometheusConfigScrapesEveryWriter() throws Exception {
        Path rules = ProjectLayout.ofRunningCode().alertRules();
        String config = PrometheusSetup.renderConfig(8081, List.of(8082, 8083, 8084), 9091, rules);

        assertThat(config).contains("job_name: ingest-gateway", "targets: [\"127.0.0.1:8081\"]");
        assertThat(config).contains("job_name: db-writer",
                "targets: [\"127.0.0.1:8082\", \"127.0.0.1:8083\", \"127.0.0.1:8084\"]");
        assertThat(config).contains("- \"" + rules + "\"");
        assertThat(config).doesNotContain("0.0.0.0");
        checkWithPromtool(config);
    }

    private void checkWithPromtool(String config) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assumeThat(Files.isExecutable(promtool)).as("promtool installed").isTrue();
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        Process check = new ProcessBuilder(promtool.toString(), "check", "config", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
    }

    @Test
    void unexpectedExitIsReportedWithLog() throws Exception {
        ChildGroup group = new ChildGroup("test children", Duration.ofSeconds(5), console);
        ChildProcess child = group.add(shell("failing", "echo 'cannot bind 127.0.0.1:8082'; exit 3"));

        assertThat(child.awaitExit(Duration.ofSeconds(10))).isTrue();
        String report = awaitConsole("Stopped unexpectedly");
        group.close();

        assertThat(report).contains("failing (pid " + child.pid() + ") exited with status 3");
        assertThat(report).contains(child.logFile().toString());
        assertThat(report).contains("cannot bind 127.0.0.1:8082");
    }

    @Test
    void stragglerIsKilledAfterStopTimeout() throws Exception {
        ChildGroup group = new ChildGroup("test children", Duration.ofMillis(500), console);
        ChildProcess graceful = group.add(shell("graceful", "sleep 60"));
        ChildProcess straggler = group.add(shell("straggler", "trap '' TERM; echo ready; while :; do sleep 0.1; done"));
        awaitLog(straggler, "ready");

        long startNanos = System.nanoTime();
        group.close();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);

        assertThat(graceful.isAlive()).isFalse();
        assertThat(straggler.isAlive()).isFalse();
        assertThat(straggler.process().exitValue()).isEqualTo(137);
        assertThat(elapsedMillis).isBetween(400L, 15_000L);
        String output = consoleBytes.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("straggler (pid " + straggler.pid() + ") did not stop within 500 ms; killed");
        assertThat(output).doesNotContain("Stopped unexpectedly");
    }

    @Test
    void planRejectsZeroWriters() {
        assertThatThrownBy(() -> plan(0, 8082)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--writers must be at least 1, got 0");
    }

    @Test
    void planNumbersWriterAdminPorts() {
        assertThat(plan(3, 8082).requestedWriterAdminPort(3)).isEqualTo(8084);
        assertThat(plan(3, 0).requestedWriterAdminPort(2)).isZero();
        assertThatThrownBy(() -> plan(3, 65_534)).hasMessageContaining("--writer-admin-port 65534");
    }

    @Test
    void portsResolveToDistinctFreePorts() {
        LoopbackPorts ports = new LoopbackPorts();

        int first = ports.resolve(0);
        int second = ports.resolve(0);

        assertThat(first).isPositive();
        assertThat(second).isNotEqualTo(first);
        assertThat(ports.resolve(8080)).isEqualTo(8080);
    }

    private TopologyPlan plan(int writers, int writerAdminPort) {
        return new TopologyPlan(new ProjectLayout(dir), dir, null, "events", 6, writers, 0, 0, 0, writerAdminPort,
                null, 0, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    private ChildProcess shell(String name, String script) {
        return ChildProcess.start(name, List.of("/bin/sh", "-c", script), Map.of("PATH", "/usr/bin:/bin"), dir,
                dir.resolve(name + ".log"));
    }

    private String awaitConsole(String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String output = consoleBytes.toString(StandardCharsets.UTF_8);
        while (!output.contains(text) && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            output = consoleBytes.toString(StandardCharsets.UTF_8);
        }
        return output;
    }

    private static void awaitLog(ChildProcess child, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(child.logFile()).contains(text) && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
    }
}
