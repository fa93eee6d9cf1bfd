package io.sluice.writer;

import io.sluice.common.config.ConfigException;
import io.sluice.common.config.Settings;
import io.sluice.common.config.StartupErrors;
import io.sluice.common.lifecycle.ParentWatch;
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
            return StartupErrors.report(e);
        }
        LOG.info("Effective settings:\n{}", WriterConfig.describe(settings));
        DbWriter writer;
        try {
            writer = DbWriter.start(settings);
        } catch (RuntimeException e) {
            return StartupErrors.report(e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean shutdownRequested = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutdownRequested.set(true);
            LOG.info("Shutdown signal received, draining the db-writer");
            writer.close();
            stopped.countDown();
        }, "sluice-writer-shutdown"));
        ParentWatch.startFromSystemProperty("db-writer");
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (!writer.isRunning() && !shutdownRequested.get()) {
                LOG.error("db-writer stopped after a fatal error (see the log above), exiting so it can be restarted");
                writer.close();
                return StartupErrors.EXIT_FAILED;
            }
        }
        return 0;
    }
}
