package io.sluice.cli;

import io.sluice.cli.bench.BenchCommand;
import io.sluice.cli.demo.DemoCommand;
import io.sluice.cli.service.GatewayCommand;
import io.sluice.cli.service.WriterCommand;
import io.sluice.cli.stack.LocalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/sluice}: one subcommand per way to run Sluice. */
@Command(name = "sluice",
        mixinStandardHelpOptions = true,
        version = "sluice 0.1.0-SNAPSHOT",
        description = "Kafka-fronted ingestion bridge: Netty gateway to Kafka, Kafka to PostgreSQL writer.",
        subcommands = {
            DemoCommand.class,
            LocalCommand.class,
            GatewayCommand.class,
            WriterCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SluiceCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Logback configuration of the command line. The gateway and writer jars each ship a {@code logback.xml}, so
     * the command line names its own file; otherwise Logback warns about the duplicates on every start.
     */
    static final String LOGBACK_CONFIGURATION = "sluice-cli-logback.xml";

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIGURATION);
        }
        System.exit(commandLine().execute(args));
    }

    /** Returns the command line with every subcommand, for {@code main} and for tests that run it in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new SluiceCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
