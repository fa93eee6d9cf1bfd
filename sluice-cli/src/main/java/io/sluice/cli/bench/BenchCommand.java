package io.sluice.cli.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Measures the gateway and the writer on the embedded stack against the ceilings of Kafka and PostgreSQL. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the gateway and the writer against Kafka's and PostgreSQL's own ceilings.",
            "%nIn one run on the embedded stack with fsync and synchronous_commit on, it measures gateway events/s"
                + " over TCP and over HTTP/1.1 against Kafka's ProducerPerformance with the same record size and"
                + " producer settings, and writer rows/s from a pre-loaded topic against PostgreSQL COPY of the same"
                + " rows with offsets stored per batch. It prints a table and a Markdown block for"
                + " docs/benchmarks.md, and writes an HTML report with charts.%n"
        })
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--events", paramLabel = "N", defaultValue = "200000",
            description = "Events (records, rows) per measurement (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--record-bytes", paramLabel = "BYTES", defaultValue = "200",
            description = "Size of one event in bytes, padded with a memo field (default: ${DEFAULT-VALUE}).")
    int recordBytes;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
            description = "Partitions of each topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--tcp-connections", paramLabel = "N", defaultValue = "4",
            description = "TCP connections (default: ${DEFAULT-VALUE}).")
    int tcpConnections;

    @Option(names = "--http-connections", paramLabel = "N", defaultValue = "4",
            description = "HTTP/1.1 connections (default: ${DEFAULT-VALUE}).")
    int httpConnections;

    @Option(names = "--batch", paramLabel = "LINES", defaultValue = "500",
            description = "NDJSON lines per HTTP request (default: ${DEFAULT-VALUE}).")
    int batchLines;

    @Option(names = "--writer-threads", paramLabel = "N", defaultValue = "2",
            description = "Writer threads, and COPY connections for the baseline (default: ${DEFAULT-VALUE}).")
    int writerThreads;

    @Option(names = "--writer-batch-rows", paramLabel = "ROWS", defaultValue = "1000",
            description = "Rows per writer batch and per COPY transaction (default: ${DEFAULT-VALUE}).")
    int writerBatchRows;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Directory for report.html (each figure against its ceiling, throughput and heap per phase)"
                    + " and timeseries.csv (default: target/sluice-bench-report under the current directory, or a"
                    + " temporary directory when that is not writable).")
    Path reportDirectory;

    @Override
    public Integer call() throws Exception {
        return new BenchRun(this, System.out).run();
    }
}
