package io.sluice.gateway;

import io.sluice.common.config.ConfigException;
import io.sluice.common.config.Settings;
import io.sluice.common.config.StartupErrors;
import io.sluice.common.lifecycle.ParentWatch;
import io.sluice.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Command-line entry point: loads the configuration, starts the gateway and stops it on SIGTERM. */
@CommandLine.Command(name = "sluice-gateway", mixinStandardHelpOptions = true,
        description = "Runs the Sluice ingest gateway: HTTP and TCP NDJSON into Kafka."
                + " Environment variables SLUICE_<KEY> (dots as underscores) override the file.")
public final class GatewayMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);

    @CommandLine.Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with gateway.* and kafka.* keys; defaults apply when omitted")
    private Path configFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new GatewayMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings settings;
        try {
            settings = Settings.load(GatewayConfig.DEFINITION, configFile, System.getenv(), Map.of());
        } catch (ConfigException e) {
            return StartupErrors.report(e);
        }
        log.info("Effective configuration:\n{}", settings.describe());
        Gateway gateway;
        try {
            gateway = Gateway.start(settings);
        } catch (RuntimeException e) {
            return StartupErrors.report(e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutdown signal received");
            gateway.close();
            stopped.countDown();
        }, "sluice-gateway-shutdown"));
        ParentWatch.startFromSystemProperty(Gateway.APPLICATION);
        stopped.await();
        return 0;
    }
}
