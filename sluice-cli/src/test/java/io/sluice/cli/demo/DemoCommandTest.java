package io.sluice.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the whole demo in-process, small: real broker, real PostgreSQL, real sockets. */
class DemoCommandTest {

    @BeforeAll
    static void trapBrokerExits() {
        EmbeddedKafka.trapExitsForTests();
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void smallDemoLosesNothingAndPausesBothSides(@TempDir Path reportDirectory) throws Exception {
        DemoCommand demo = new DemoCommand();

        int exitCode = new CommandLine(demo).execute(
                "--events", "20000",
                "--rate", "20000",
                "--duration", "60s",
                "--tcp-connections", "2",
                "--http-connections", "2",
                "--batch", "200",
                "--writer-rows-per-second", "3000",
                "--writer-queue-capacity", "1000",
                "--producer-byte-rate", "300000",
                "--partitions", "3",
                "--drain-timeout", "60s",
                "--report", reportDirectory.toString());

        DemoOutcome outcome = demo.outcome();
        assertThat(outcome).isNotNull();
        assertThat(exitCode).isZero();
        assertThat(outcome.sent()).isEqualTo(20_000);
        assertThat(outcome.acknowledged()).isPositive();
        assertThat(outcome.drained()).isTrue();
        assertThat(outcome.audit().lost()).isZero();
        assertThat(outcome.audit().duplicated()).isZero();
        assertThat(outcome.audit().rows()).isGreaterThanOrEqualTo(outcome.acknowledged());
        assertThat(outcome.gatewayReadPauses()).isPositive();
        assertThat(outcome.writerPartitionPauses()).isPositive();
        assertThat(Files.readString(outcome.report())).contains("<svg ");
        assertThat(reportDirectory.resolve("timeseries.csv")).exists();
    }
}
