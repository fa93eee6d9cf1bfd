package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BenchPartsTest {

    @Test
    void producerPerformanceFinalLineIsParsed() {
        String output = "50000 records sent, 9999.8 records/sec (1.91 MB/sec), 3.2 ms avg latency,"
                + " 80.0 ms max latency.\n"
                + "200000 records sent, 412345.678901 records/sec (78.65 MB/sec), 12.34 ms avg latency,"
                + " 345.00 ms max latency, 5 ms 50th, 30 ms 95th, 60 ms 99th, 90 ms 99.9th.\n";

        assertThat(ProducerBaseline.parseTotalRate(output)).hasValue(412345.678901);
    }

    @Test
    void producerPerformanceWindowLinesAreNotFinal() {
        String output = "50000 records sent, 9999.8 records/sec (1.91 MB/sec), 3.2 ms avg latency,"
                + " 80.0 ms max latency.\n";

        assertThat(ProducerBaseline.parseTotalRate(output)).isEmpty();
    }

    @Test
    void copyTextEscapesSpecialCharacters() {
        BenchRow row = new BenchRow("t", 2, 7, null, "{\"a\":\"x\\\\y\ttab\"}", 0);

        String text = CopyBaseline.copyText(List.of(row));

        assertThat(text).isEqualTo("t\t2\t7\t\\N\t{\"a\":\"x\\\\\\\\y\\ttab\"}\t1970-01-01T00:00:00Z\n");
    }

    @Test
    void ratioComparesWithCeiling() {
        BenchFigure figure = new BenchFigure("writer", 50, "COPY", 200, "rows/s");

        assertThat(figure.ratio()).isEqualTo(0.25);
        assertThat(BenchReport.table(List.of(figure))).contains("25%");
        assertThat(BenchReport.markdown("bin/sluice bench", "PostgreSQL 18.6, fsync=on", List.of(figure)))
                .contains("| writer (rows/s) | 50 | COPY | 200 | 25 % |")
                .contains("Machine: ")
                .contains("Database: PostgreSQL 18.6, fsync=on");
    }
}
