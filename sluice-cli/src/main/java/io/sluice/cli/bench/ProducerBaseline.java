package io.sluice.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Runs Kafka's own {@code org.apache.kafka.tools.ProducerPerformance} in-process and reads its final
 * throughput, as the ceiling for the gateway.
 */
final class ProducerBaseline {

    /** The final line reads "N records sent, R records/sec (M MB/sec), ... 50th, ...". */
    private static final Pattern TOTAL_RATE = Pattern.compile("records sent, ([0-9.]+) records/sec.*50th");

    private ProducerBaseline() {
    }

    /** The tool's output and the records per second of its final line. */
    record Result(double recordsPerSecond, String output) {
    }

    /**
     * Sends {@code records} records taken from {@code payloadFile} (one payload per line) to {@code topic} as fast
     * as possible with {@code producerProperties}. The tool prints to {@code System.out}, which is captured
     * for the run and echoed to {@code echo}.
     */
    static synchronized Result run(String topic, long records, Path payloadFile, Map<String, String> producerProperties,
                                   PrintStream echo) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--topic", topic, "--num-records", Long.toString(records),
                "--throughput", "-1", "--payload-file", payloadFile.toString(), "--command-property"));
        producerProperties.forEach((key, value) -> arguments.add(key + "=" + value));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(new TeeStream(captured, echo), true, StandardCharsets.UTF_8));
        try {
            ProducerPerformance.main(arguments.toArray(String[]::new));
        } finally {
            System.out.flush();
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        double rate = parseTotalRate(output).orElseThrow(() -> new IllegalStateException(
                "ProducerPerformance printed no final throughput line; its output was:\n" + output));
        return new Result(rate, output);
    }

    /** Returns the records per second of the tool's final line, if there is one. */
    static OptionalDouble parseTotalRate(String output) {
        OptionalDouble rate = OptionalDouble.empty();
        for (String line : output.split("\n")) {
            Matcher matcher = TOTAL_RATE.matcher(line);
            if (matcher.find()) {
                rate = OptionalDouble.of(Double.parseDouble(matcher.group(1)));
            }
        }
        return rate;
    }

    /** Writes every byte to both streams. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }

        @Override
        public void flush() throws java.io.IOException {
            first.flush();
            second.flush();
        }
    }
}
