package io.sluice.cli.bench;

import io.sluice.cli.loadgen.LoadGenerator;
import io.sluice.cli.loadgen.LoadPlan;
import io.sluice.cli.loadgen.PaymentEventGenerator;
import io.sluice.cli.stack.EmbeddedStack;
import io.sluice.cli.stack.PipelineSettings;
import io.sluice.common.kafka.TopicReadiness;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.gateway.Gateway;
import io.sluice.writer.DbWriter;
import io.sluice.cli.report.BenchReportPage;
import io.sluice.cli.report.ComparisonBar;
import io.sluice.cli.report.PhaseSeries;
import io.sluice.cli.report.ReportDirectory;
import io.sluice.cli.stack.ShutdownGuard;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** One run of {@code sluice bench}: each figure and its ceiling, on one embedded stack. */
final class BenchRun {

    private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration MAX_PHASE = Duration.ofMinutes(10);
    private static final int PAYLOAD_FILE_LINES = 10_000;

    /** Producer settings shared by the gateway and the ProducerPerformance baseline. */
    static final Map<String, String> PRODUCER_SETTINGS = producerSettings();

    private final BenchCommand options;
    private final PrintStream out;
    private final PaymentEventGenerator generator;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<PhaseSeries> phases = new ArrayList<>();

    BenchRun(BenchCommand options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.generator = PaymentEventGenerator.random(options.recordBytes);
    }

    private static Map<String, String> producerSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("acks", "all");
        settings.put("enable.idempotence", "true");
        settings.put("linger.ms", "5");
        settings.put("batch.size", "65536");
        settings.put("compression.type", "lz4");
        settings.put("buffer.memory", "33554432");
        return settings;
    }

    int run() throws Exception {
        out.printf("Sluice bench: %,d events of %d bytes, %d partitions, producer %s%n", options.events,
                options.recordBytes, options.partitions, PRODUCER_SETTINGS);
        List<BenchFigure> figures = new ArrayList<>();
        String postgresFacts;
        try (ShutdownGuard guard = ShutdownGuard.install("sluice-bench-shutdown")) {
            EmbeddedStack stack = guard.register(EmbeddedStack.start(null, Map.of()));
            postgresFacts = postgresFacts(stack.postgres());
            out.println("PostgreSQL: " + postgresFacts);
            double producerCeiling = producerCeiling(stack);
            figures.add(new BenchFigure("gateway TCP", gatewayRate(stack, "bench-tcp", options.tcpConnections, 0),
                    "Kafka ProducerPerformance", producerCeiling, "events/s"));
            figures.add(new BenchFigure("gateway HTTP/1.1", gatewayRate(stack, "bench-http", 0,
                    options.httpConnections), "Kafka ProducerPerformance", producerCeiling, "events/s"));
            figures.addAll(writerFigures(stack));
        }
        out.println();
        out.print(BenchReport.table(figures));
        out.println();
        out.println("Markdown for docs/benchmarks.md:");
        out.println();
        out.print(BenchReport.markdown(commandLine(), postgresFacts, figures));
        Path report = writeReport(postgresFacts, figures);
        out.println();
        out.println("Report: " + report.toAbsolutePath());
        return 0;
    }

    private Path writeReport(String postgresFacts, List<BenchFigure> figures) throws IOException {
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("command", commandLine());
        summary.put("machine", BenchReport.machine());
        summary.put("database", postgresFacts);
        for (BenchFigure figure : figures) {
            summary.put(figure.name(), String.format(Locale.ROOT, "%,.0f %s, %.0f%% of %s (%,.0f)",
                    figure.measured(), figure.unit(), figure.ratio() * 100, figure.ceilingName(), figure.ceiling()));
        }
        List<ComparisonBar> bars = figures.stream().map(BenchFigure::bar).toList();
        Path directory = ReportDirectory.orDefault(options.reportDirectory, "sluice-bench-report");
        return BenchReportPage.write(directory, "Sluice bench", summary, bars, phases);
    }

    private PhaseRecorder recorder(String phase, String unit, LongSupplier total) {
        return new PhaseRecorder(phase, unit, total, System::nanoTime, () -> memory.getHeapMemoryUsage().getUsed());
    }

    /** Returns the server version and the durability settings the figures were measured with. */
    private static String postgresFacts(EmbeddedPostgres postgres) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT current_setting('server_version'),"
                     + " current_setting('fsync'), current_setting('synchronous_commit')")) {
            result.next();
            return String.format("PostgreSQL %s (embedded), fsync=%s, synchronous_commit=%s", result.getString(1),
                    result.getString(2), result.getString(3));
        }
    }

    private String commandLine() {
        return String.format("bin/sluice bench --events %d --record-bytes %d --partitions %d --tcp-connections %d"
                        + " --http-connections %d --batch %d --writer-threads %d --writer-batch-rows %d",
                options.events, options.recordBytes, options.partitions, options.tcpConnections,
                options.httpConnections, options.batchLines, options.writerThreads, options.writerBatchRows);
    }

    private double producerCeiling(EmbeddedStack stack) throws Exception {
        String topic = "bench-producer";
        createTopics(stack.bootstrapServers(), topic);
        Path payloads = Files.createTempFile("sluice-bench-payloads", ".ndjson");
        try {
            writePayloadFile(payloads);
            Map<String, String> properties = new LinkedHashMap<>(PRODUCER_SETTINGS);
            properties.put("bootstrap.servers", stack.bootstrapServers());
            out.println("Kafka ProducerPerformance (same record size and producer settings):");
            return ProducerBaseline.run(topic, options.events, payloads, properties, out).recordsPerSecond();
        } finally {
            Files.deleteIfExists(payloads);
        }
    }

    private void writePayloadFile(Path file) throws java.io.IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < PAYLOAD_FILE_LINES; i++) {
                writer.write(generator.event(i));
                writer.write('\n');
            }
        }
    }

    private double gatewayRate(EmbeddedStack stack, String topic, int tcpConnections, int httpConnections)
            throws Exception {
        PipelineSettings settings = new PipelineSettings(stack.bootstrapServers(), stack.postgres(), topic,
                options.partitions);
        PRODUCER_SETTINGS.forEach((key, value) -> settings.gateway("kafka.producer." + key, value));
        try (Gateway gateway = Gateway.start(settings.gatewaySettings())) {
            LoadPlan plan = new LoadPlan("127.0.0.1", gateway.tcpPort(), tcpConnections, gateway.httpPort(),
                    httpConnections, topic, options.events, MAX_PHASE, 0, options.batchLines);
            String transport = tcpConnections > 0 ? "TCP" : "HTTP/1.1";
            try (LoadGenerator load = LoadGenerator.start(plan, generator)) {
                PhaseRecorder recorder = recorder("gateway " + transport, "events/s",
                        () -> load.stats().acknowledgedEvents());
                awaitSampling(load.completion(), recorder, MAX_PHASE.plusSeconds(60));
                phases.add(recorder.series());
                double seconds = load.elapsed().toNanos() / 1e9;
                long acknowledged = load.stats().acknowledgedEvents();
                out.printf("Gateway over %s: %,d of %,d events acknowledged in %.2f s%n", transport, acknowledged,
                        options.events, seconds);
                return acknowledged / seconds;
            }
        }
    }

    private List<BenchFigure> writerFigures(EmbeddedStack stack) throws Exception {
        String topic = "bench-writer";
        createTopics(stack.bootstrapServers(), topic);
        preload(stack.bootstrapServers(), topic);
        double writerRate = writerRate(stack, topic);
        EmbeddedPostgres postgres = stack.postgres();
        List<BenchRow> rows = consumeAll(stack.bootstrapServers(), topic);
        CopyBaseline.prepareTables(postgres.jdbcUrl(), postgres.user(), postgres.password());
        double copyRate = CopyBaseline.run(postgres.jdbcUrl(), postgres.user(), postgres.password(), rows,
                options.writerBatchRows, options.writerThreads);
        out.printf("PostgreSQL COPY (text, %d connections, %d rows per transaction with offsets): %,.0f rows/s%n",
                options.writerThreads, options.writerBatchRows, copyRate);
        return List.of(new BenchFigure("writer", writerRate, "PostgreSQL COPY with offsets", copyRate, "rows/s"));
    }

    private double writerRate(EmbeddedStack stack, String topic) throws Exception {
        PipelineSettings settings = new PipelineSettings(stack.bootstrapServers(), stack.postgres(), topic,
                options.partitions)
                .writer("writer.group.id", "sluice-bench")
                .writer("writer.threads", options.writerThreads)
                .writer("writer.batch.max.rows", options.writerBatchRows)
                .writer("writer.table.events", "bench_writer_events")
                .writer("writer.table.offsets", "bench_writer_offsets")
                .writer("writer.table.dead.letters", "bench_writer_dead_letters");
        try (DbWriter writer = DbWriter.start(settings.writerSettings())) {
            long startNanos = System.nanoTime();
            long deadlineNanos = startNanos + MAX_PHASE.toNanos();
            PhaseRecorder recorder = recorder("writer", "rows/s", writer::rowsWritten);
            while (writer.rowsWritten() < options.events && System.nanoTime() - deadlineNanos < 0) {
                Thread.sleep(20);
                recorder.sampleIfDue();
            }
            recorder.sample();
            phases.add(recorder.series());
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            out.printf("Writer: %,d of %,d rows committed in %.2f s (timed from start() returning, so it includes"
                    + " joining the group)%n", writer.rowsWritten(), options.events, seconds);
            return writer.rowsWritten() / seconds;
        }
    }

    /** Waits for {@code completion}, sampling once per interval; the last sample is taken when it completes. */
    private static void awaitSampling(CompletableFuture<?> completion, PhaseRecorder recorder, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                completion.get(PhaseRecorder.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                recorder.sample();
                return;
            } catch (TimeoutException e) {
                recorder.sample();
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new TimeoutException("the load generator did not finish within " + timeout);
                }
            }
        }
    }

    private void createTopics(String bootstrapServers, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            TopicReadiness.ensureTopics(admin, List.of(topic), true, options.partitions, (short) 1,
                    TOPIC_READY_TIMEOUT);
        }
    }

    private void preload(String bootstrapServers, String topic) throws Exception {
        Map<String, Object> config = new LinkedHashMap<>(PRODUCER_SETTINGS);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        long startNanos = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long sequence = 0; sequence < options.events; sequence++) {
                byte[] value = generator.event(sequence).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), null, value));
            }
            producer.flush();
        }
        out.printf("Pre-loaded %,d records into %s in %.2f s%n", options.events, topic,
                (System.nanoTime() - startNanos) / 1e9);
    }

    private List<BenchRow> consumeAll(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<BenchRow> rows = new ArrayList<>((int) options.events);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadlineNanos = System.nanoTime() + MAX_PHASE.toNanos();
            while (rows.size() < options.events && System.nanoTime() - deadlineNanos < 0) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    rows.add(new BenchRow(record.topic(), record.partition(), record.offset(), record.key(),
                            record.value(), record.timestamp()));
                }
            }
        }
        return rows;
    }
}
