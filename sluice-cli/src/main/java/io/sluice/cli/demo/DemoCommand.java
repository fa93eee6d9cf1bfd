package io.sluice.cli.demo;

import io.sluice.cli.DurationConverter;
import io.sluice.cli.report.ReportDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Floods an in-process pipeline until both kinds of backpressure show, then checks that nothing acknowledged
 * was lost or duplicated.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Floods an in-process pipeline until both sides pause, then checks that no acknowledged event is lost.",
            "%nStarts an in-process Kafka broker, an embedded PostgreSQL, the gateway and a writer, then floods the"
                + " gateway over TCP and HTTP/1.1 faster than the writer can keep up, so that the gateway pauses"
                + " socket reads and the writer pauses its partitions. After the flood it waits until the writer"
                + " drained and checks by id that every acknowledged event is in PostgreSQL exactly once.",
            "%nExit code 0 when no acknowledged event is missing or duplicated, 1 otherwise.%n"
        })
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--events", paramLabel = "N", defaultValue = "200000",
            description = "Events to send in total (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "120s", converter = DurationConverter.class,
            description = "Stop sending new events after this long, for example 90s or 5m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "50000",
            description = "Target events per second over all connections; 0 for as fast as possible (default:"
                    + " ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--tcp-connections", paramLabel = "N", defaultValue = "4",
            description = "Raw TCP connections (default: ${DEFAULT-VALUE}).")
    int tcpConnections;

    @Option(names = "--http-connections", paramLabel = "N", defaultValue = "4",
            description = "HTTP/1.1 keep-alive connections (default: ${DEFAULT-VALUE}).")
    int httpConnections;

    @Option(names = "--batch", paramLabel = "LINES", defaultValue = "500",
            description = "NDJSON lines per HTTP request (default: ${DEFAULT-VALUE}).")
    int batchLines;

    @Option(names = "--writer-rows-per-second", paramLabel = "ROWS", defaultValue = "8000",
            description = "Cap on rows the writer commits per second, writer.max.rows.per.second (default:"
                    + " ${DEFAULT-VALUE}).")
    long writerRowsPerSecond;

    @Option(names = "--writer-queue-capacity", paramLabel = "RECORDS", defaultValue = "2000",
            description = "Writer batch queue capacity in records, writer.queue.capacity (default: ${DEFAULT-VALUE}).")
    int writerQueueCapacity;

    @Option(names = "--producer-buffer-bytes", paramLabel = "BYTES", defaultValue = "262144",
            description = "Gateway producer buffer.memory in bytes (default: ${DEFAULT-VALUE}).")
    long producerBufferBytes;

    @Option(names = "--producer-byte-rate", paramLabel = "BYTES_PER_SECOND", defaultValue = "2000000",
            description = "Broker quota producer_byte_rate on the gateway producer's client.id, in bytes per second;"
                    + " 0 for no quota (default: ${DEFAULT-VALUE}).")
    long producerByteRate;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
            description = "Partitions of the demo topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "180s",
            converter = DurationConverter.class,
            description = "How long to wait after the flood for the writer to drain (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Directory for report.html and timeseries.csv (default: target/sluice-report under the"
                    + " current directory, or a temporary directory when that is not writable).")
    Path reportDirectory;

    private DemoOutcome outcome;

    @Override
    public Integer call() throws Exception {
        outcome = new DemoRun(this, System.out).run();
        return outcome.exitCode();
    }

    /** Returns what the last run measured, or null before a run finished. */
    public DemoOutcome outcome() {
        return outcome;
    }

    Path reportDirectoryOrDefault() throws IOException {
        return ReportDirectory.orDefault(reportDirectory, "sluice-report");
    }
}
