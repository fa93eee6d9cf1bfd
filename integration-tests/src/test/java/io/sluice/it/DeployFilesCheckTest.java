package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs ops/check-deploy.sh: promtool checks of the Prometheus config and alert rules, the alert rule unit tests,
 * docker-compose validation of docker-compose.yml and the dashboard check. Needs Debian's prometheus and
 * docker-compose packages, which .ci/run installs.
 */
class DeployFilesCheckTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void deployFilesPassTheirChecks() throws IOException, InterruptedException {
        Path repositoryRoot = Path.of("..").toAbsolutePath().normalize();
        Process check = new ProcessBuilder("bash", "ops/check-deploy.sh")
                .directory(repositoryRoot.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(2, TimeUnit.MINUTES)).as("check finished in time").isTrue();

        assertThat(check.exitValue()).as(output).isZero();
    }
}
