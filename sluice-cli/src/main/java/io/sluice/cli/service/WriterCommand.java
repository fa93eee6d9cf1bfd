package io.sluice.cli.service;

import io.sluice.writer.WriterMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the db-writer against an external Kafka cluster and PostgreSQL, configured by a file and SLUICE_* variables. */
@Command(name = "writer",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the db-writer against an external Kafka cluster and PostgreSQL until SIGTERM or Ctrl-C.",
            "%nSettings come from the defaults, then --config FILE, then SLUICE_* environment variables"
                + " (writer.jdbc.url is SLUICE_WRITER_JDBC_URL).%n"
        })
public final class WriterCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with writer.* and kafka.* keys.")
    private Path config;

    /** Runs {@link WriterMain} in this JVM and returns its exit code. */
    @Override
    public Integer call() {
        return new CommandLine(new WriterMain()).execute(GatewayCommand.configArguments(config));
    }
}
