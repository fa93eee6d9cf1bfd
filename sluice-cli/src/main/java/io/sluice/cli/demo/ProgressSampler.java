package io.sluice.cli.demo;

import io.sluice.cli.loadgen.LoadStats;
import io.sluice.cli.report.Sample;
import io.sluice.cli.stack.PipelineMeters;
import io.sluice.gateway.Gateway;
import io.sluice.writer.DbWriter;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Takes one {@link Sample} per call from the load generator, the gateway and the writer, prints it as a
 * progress line and keeps it for the report. Used from one thread.
 */
final class ProgressSampler {

    private static final long BYTES_PER_MIB = 1024 * 1024;

    private final Gateway gateway;
    private final DbWriter writer;
    private final LongSupplier sentTotal;
    private final LongSupplier nanoClock;
    private final PrintStream out;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<Sample> samples = new ArrayList<>();
    private final long startNanos;
    private Sample previous;
    private long peakHeapBytes;

    ProgressSampler(Gateway gateway, DbWriter writer, LoadStats load, LongSupplier nanoClock, PrintStream out) {
        this.gateway = gateway;
        this.writer = writer;
        this.sentTotal = load::sentEvents;
        this.nanoClock = nanoClock;
        this.out = out;
        this.startNanos = nanoClock.getAsLong();
        this.previous = new Sample(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    Sample sample() {
        double elapsedSeconds = (nanoClock.getAsLong() - startNanos) / 1e9;
        double intervalSeconds = Math.max(1e-3, elapsedSeconds - previous.elapsedSeconds());
        long sent = sentTotal.getAsLong();
        long acknowledged = gatewayAcknowledged();
        long written = writer.rowsWritten();
        long heapUsed = memory.getHeapMemoryUsage().getUsed();
        peakHeapBytes = Math.max(peakHeapBytes, heapUsed);
        Sample sample = new Sample(elapsedSeconds, sent, acknowledged, written,
                (sent - previous.sentTotal()) / intervalSeconds,
                (acknowledged - previous.acknowledgedTotal()) / intervalSeconds,
                (written - previous.writtenTotal()) / intervalSeconds,
                PipelineMeters.gaugeTotal(writer.registry(), PipelineMeters.WRITER_LAG_RECORDS),
                gatewayReadPauses(), writerPartitionPauses(), heapUsed);
        samples.add(sample);
        previous = sample;
        out.println(format(sample));
        return sample;
    }

    long gatewayAcknowledged() {
        return PipelineMeters.counterTotal(gateway.registry(), PipelineMeters.GATEWAY_EVENTS_ACKED);
    }

    long gatewayReadPauses() {
        return PipelineMeters.counterTotal(gateway.registry(), PipelineMeters.GATEWAY_READ_PAUSES);
    }

    long writerPartitionPauses() {
        return PipelineMeters.counterTotal(writer.registry(), PipelineMeters.WRITER_PARTITION_PAUSES);
    }

    long gatewayFailed() {
        return PipelineMeters.counterTotal(gateway.registry(), PipelineMeters.GATEWAY_EVENTS_FAILED);
    }

    long writerDeadLetters() {
        return PipelineMeters.counterTotal(writer.registry(), PipelineMeters.WRITER_DEAD_LETTERS);
    }

    long peakHeapBytes() {
        return peakHeapBytes;
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    static String format(Sample s) {
        return String.format(Locale.ROOT,
                "%6.1fs  sent %,9d (%,7.0f/s)  acked %,9d (%,7.0f/s)  written %,9d (%,7.0f/s)  lag %,8d"
                        + "  gateway read pauses %,5d  writer partition pauses %,5d  heap %,5d MiB",
                s.elapsedSeconds(), s.sentTotal(), s.sentPerSecond(), s.acknowledgedTotal(),
                s.acknowledgedPerSecond(), s.writtenTotal(), s.writtenPerSecond(), s.lagRecords(),
                s.gatewayReadPauses(), s.writerPartitionPauses(), s.heapUsedBytes() / BYTES_PER_MIB);
    }
}
