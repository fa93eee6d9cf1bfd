package io.sluice.cli.demo;

import io.sluice.cli.loadgen.LoadGenerator;
import io.sluice.cli.loadgen.LoadPlan;
import io.sluice.cli.loadgen.LoadStats;
import io.sluice.cli.loadgen.PaymentEventGenerator;
import io.sluice.cli.report.DemoReport;
import io.sluice.cli.stack.BrokerQuotas;
import io.sluice.cli.stack.EmbeddedStack;
import io.sluice.cli.stack.PipelineSettings;
import io.sluice.cli.stack.ShutdownGuard;
import io.sluice.gateway.Gateway;
import io.sluice.writer.DbWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/** One run of {@code sluice demo}: start, flood, drain, audit, summarize. */
final class DemoRun {

    static final String TOPIC = "payments";
    static final String EVENTS_TABLE = "sluice_events";
    private static final String GATEWAY_CLIENT_ID = "sluice-demo-gateway";
    private static final String KEY_FIELD = "account";
    /**
     * Producer batch size for the demo. Every open batch takes a whole {@code batch.size} from
     * {@code buffer.memory}, so with the gateway's default of 64 KiB a 256 KiB buffer has room for four batches. In a
     * demo run with that setting the average batch was 276 bytes and about 900 events/s reached Kafka.
     * 16 KiB, Kafka's own default, keeps the small buffer useful.
     */
    private static final int PRODUCER_BATCH_BYTES = 16 * 1024;
    private static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration SUMMARY_GRACE = Duration.ofSeconds(60);
    private static final long BYTES_PER_MIB = 1024 * 1024;

    private final DemoCommand options;
    private final PrintStream out;

    DemoRun(DemoCommand options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    DemoOutcome run() throws Exception {
        printBottlenecks();
        try (ShutdownGuard guard = ShutdownGuard.install("sluice-demo-shutdown")) {
            EmbeddedStack stack = guard.register(EmbeddedStack.start(null, BrokerQuotas.SHORT_QUOTA_WINDOWS));
            if (options.producerByteRate > 0) {
                BrokerQuotas.setProducerByteRate(stack.bootstrapServers(), GATEWAY_CLIENT_ID, options.producerByteRate);
            }
            PipelineSettings settings = pipelineSettings(stack);
            Gateway gateway = guard.register(Gateway.start(settings.gatewaySettings()));
            DbWriter writer = guard.register(DbWriter.start(settings.writerSettings()));
            out.printf("Gateway: HTTP 127.0.0.1:%d, TCP 127.0.0.1:%d, admin http://127.0.0.1:%d/metrics;"
                    + " writer admin http://127.0.0.1:%d/metrics%n", gateway.httpPort(), gateway.tcpPort(),
                    gateway.adminPort(), writer.adminPort());
            return floodDrainAndAudit(stack, gateway, writer);
        }
    }

    private void printBottlenecks() {
        out.printf("Sluice demo: %,d payment events at a target of %s over %d TCP and %d HTTP/1.1 connections"
                + " on 127.0.0.1.%n", options.events, options.rate > 0 ? String.format("%,.0f events/s", options.rate)
                : "full speed", options.tcpConnections, options.httpConnections);
        out.printf("Writer as the bottleneck: writer.max.rows.per.second=%d and writer.queue.capacity=%d, so the"
                + " queue fills and the writer pauses its partitions while the backlog stays in Kafka.%n",
                options.writerRowsPerSecond, options.writerQueueCapacity);
        out.printf("Gateway as the bottleneck: producer buffer.memory=%d bytes (batch.size=%d) and a broker quota"
                + " producer_byte_rate=%s on client.id=%s (set before the gateway sends), so the buffer fills and"
                + " the gateway pauses socket reads.%n", options.producerBufferBytes, PRODUCER_BATCH_BYTES,
                options.producerByteRate > 0 ? options.producerByteRate + " bytes/s" : "none", GATEWAY_CLIENT_ID);
    }

    private PipelineSettings pipelineSettings(EmbeddedStack stack) {
        return new PipelineSettings(stack.bootstrapServers(), stack.postgres(), TOPIC, options.partitions)
                .gateway("gateway.key.field", KEY_FIELD)
                .gateway("kafka.producer.client.id", GATEWAY_CLIENT_ID)
                .gateway("kafka.producer.buffer.memory", options.producerBufferBytes)
                .gateway("kafka.producer.batch.size", PRODUCER_BATCH_BYTES)
                .writer("writer.group.id", "sluice-demo")
                .writer("writer.max.rows.per.second", options.writerRowsPerSecond)
                .writer("writer.queue.capacity", options.writerQueueCapacity)
                .writer("writer.batch.max.rows", Math.min(500, Math.max(1, options.writerQueueCapacity / 4)));
    }

    private DemoOutcome floodDrainAndAudit(EmbeddedStack stack, Gateway gateway, DbWriter writer)
            throws IOException, SQLException, InterruptedException {
        PaymentEventGenerator generator = PaymentEventGenerator.random(0);
        LoadPlan plan = new LoadPlan("127.0.0.1", gateway.tcpPort(), options.tcpConnections, gateway.httpPort(),
                options.httpConnections, TOPIC, options.events, options.duration, options.rate, options.batchLines);
        LoadStats load;
        ProgressSampler sampler;
        Duration floodTime;
        try (LoadGenerator loadGenerator = LoadGenerator.start(plan, generator)) {
            load = loadGenerator.stats();
            sampler = new ProgressSampler(gateway, writer, load, System::nanoTime, out);
            flood(loadGenerator, sampler);
            floodTime = loadGenerator.elapsed();
        }
        boolean drained = drain(writer, sampler);
        IdAudit audit = IdAudit.run(stack.postgres().dataSource(), EVENTS_TABLE, TOPIC, generator,
                load.ackTracker().snapshot());
        Map<String, String> summary = summary(load, sampler, audit, floodTime, drained);
        printSummary(summary);
        Path report = DemoReport.write(options.reportDirectoryOrDefault(), "Sluice demo", summary, sampler.samples());
        out.println("Report: " + report.toAbsolutePath());
        return new DemoOutcome(load.sentEvents(), load.acknowledgedEvents(), audit, drained,
                sampler.gatewayReadPauses(), sampler.writerPartitionPauses(), sampler.peakHeapBytes(), report);
    }

    private void flood(LoadGenerator loadGenerator, ProgressSampler sampler) throws InterruptedException {
        out.println("Flooding the gateway; one line per second:");
        long deadlineNanos = System.nanoTime() + options.duration.plus(SUMMARY_GRACE).toNanos();
        while (!awaitCompletion(loadGenerator, SAMPLE_INTERVAL)) {
            sampler.sample();
            if (System.nanoTime() - deadlineNanos > 0) {
                out.printf("Connections did not finish within %s after the send cap; stopping them.%n", SUMMARY_GRACE);
                loadGenerator.stopSending();
                awaitCompletion(loadGenerator, Duration.ofSeconds(10));
                return;
            }
        }
        sampler.sample();
    }

    private static boolean awaitCompletion(LoadGenerator loadGenerator, Duration timeout) throws InterruptedException {
        try {
            loadGenerator.completion().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Load generator failed: " + e.getCause(), e.getCause());
        }
    }

    /** Waits until the writer committed every event Kafka acknowledged to the gateway; returns false on timeout. */
    private boolean drain(DbWriter writer, ProgressSampler sampler) throws InterruptedException {
        out.println("Flood over; waiting for the writer to drain the backlog:");
        long deadlineNanos = System.nanoTime() + options.drainTimeout.toNanos();
        while (writer.rowsWritten() < sampler.gatewayAcknowledged()) {
            if (System.nanoTime() - deadlineNanos > 0) {
                out.printf("The writer did not drain within %s: %,d rows written of %,d acknowledged.%n",
                        options.drainTimeout, writer.rowsWritten(), sampler.gatewayAcknowledged());
                return false;
            }
            Thread.sleep(SAMPLE_INTERVAL.toMillis());
            sampler.sample();
        }
        return true;
    }

    private Map<String, String> summary(LoadStats load, ProgressSampler sampler, IdAudit audit, Duration floodTime,
                                        boolean drained) {
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("sent", String.format("%,d events in %.1f s", load.sentEvents(), floodTime.toMillis() / 1000.0));
        summary.put("acknowledged", String.format("%,d events confirmed to the load generator (%,d counted by the"
                + " gateway)", load.acknowledgedEvents(), sampler.gatewayAcknowledged()));
        summary.put("rejected / failed / unconfirmed", String.format("%,d / %,d / %,d events", load.rejectedEvents(),
                load.failedEvents(), load.unconfirmedEvents()));
        summary.put("Kafka send failures / dead letters", String.format("%,d / %,d", sampler.gatewayFailed(),
                sampler.writerDeadLetters()));
        summary.put("rows in PostgreSQL", String.format("%,d", audit.rows()));
        summary.put("lost", String.format("%,d acknowledged ids missing from PostgreSQL", audit.lost()));
        summary.put("duplicated", String.format("%,d extra copies of ids", audit.duplicated()));
        summary.put("drained", drained ? "yes" : "no, timed out after " + options.drainTimeout);
        summary.put("gateway read pauses", String.format("%,d", sampler.gatewayReadPauses()));
        summary.put("writer partition pauses", String.format("%,d", sampler.writerPartitionPauses()));
        summary.put("peak heap", String.format("%,d MiB sampled once per second, of max %,d MiB (one JVM: broker,"
                + " gateway, writer and load generator)", sampler.peakHeapBytes() / BYTES_PER_MIB,
                Runtime.getRuntime().maxMemory() / BYTES_PER_MIB));
        summary.put("HTTP request latency", latency(load.requestLatencyMicros()));
        summary.put("HTTP responses by status", load.responsesByStatus().toString());
        return summary;
    }

    private static String latency(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return "no requests";
        }
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms over %,d requests",
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                micros.getMaxValue() / 1000.0, micros.getTotalCount());
    }

    private void printSummary(Map<String, String> summary) {
        out.println("Summary:");
        summary.forEach((name, value) -> out.printf("  %-36s %s%n", name, value));
    }
}
