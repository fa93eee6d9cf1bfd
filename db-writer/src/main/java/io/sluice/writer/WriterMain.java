package io.sluice.writer;

import io.sluice.common.config.ConfigException;
import io.sluice.common.config.Settings;
import io.sluice.writer.config.WriterConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the db-writer until SIGTERM or SIGINT, then drains it gracefully. */
@Command(name = "sluice-db-writer", mixinStandardHelpOptions = true,
        description = "Consumes Kafka topics into PostgreSQL exactly once. Settings come from the defaults, then "
                + "--config FILE, then SLUICE_* environment variables (writer.threads is SLUICE_WRITER_THREADS).")
public final class WriterMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(WriterMain.class);
    private static final int EXIT_CONFIG_ERROR = 2;
    private static final int EXIT_FAILED = 1;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with writer settings")
    private Path configFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new WriterMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings settings;
        try {
            settings = Settings.load(WriterConfig.DEFINITION, configFile, System.getenv(), Map.of());
        } catch (ConfigException e) {
            LOG.error("Invalid configuration: {}", e.getMessage());
            return EXIT_CONFIG_ERROR;
        }
        LOG.info("Effective settings:\n{}", WriterConfig.describe(settings));
        DbWriter writer;
        try {
            writer = DbWriter.start(settings);
        } catch (ConfigException e) {
            LOG.error("Invalid configuration: {}", e.getMessage());
            return EXIT_CONFIG_ERROR;
        } catch (RuntimeException e) {
            LOG.error("db-writer failed to start: {}", e.getMessage(), e);
            return EXIT_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean shutdownRequested = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutdownRequested.set(true);
            LOG.info("Shutdown signal received, draining the db-writer");
            writer.close();
            stopped.countDown();
        }, "sluice-writer-shutdown"));
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (!writer.isRunning() && !shutdownRequested.get()) {
                LOG.error("db-writer stopped after a fatal error (see the log above), exiting so it can be restarted");
                writer.close();
                return EXIT_FAILED;
            }
        }
        return 0;
    }
}
