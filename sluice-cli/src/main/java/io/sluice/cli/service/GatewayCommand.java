package io.sluice.cli.service;

import io.sluice.gateway.GatewayMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the ingest gateway against an external Kafka cluster, configured by a file and SLUICE_* variables. */
@Command(name = "gateway",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the ingest gateway against an external Kafka cluster until SIGTERM or Ctrl-C.",
            "%nSettings come from the defaults, then --config FILE, then SLUICE_* environment variables"
                + " (gateway.http.port is SLUICE_GATEWAY_HTTP_PORT).%n"
        })
public final class GatewayCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with gateway.* and kafka.* keys.")
    private Path config;

    /** Runs {@link GatewayMain} in this JVM and returns its exit code. */
    @Override
    public Integer call() {
        return new CommandLine(new GatewayMain()).execute(configArguments(config));
    }

    static String[] configArguments(Path config) {
        List<String> arguments = new ArrayList<>();
        if (config != null) {
            arguments.add("--config");
            arguments.add(config.toString());
        }
        return arguments.toArray(String[]::new);
    }
}
