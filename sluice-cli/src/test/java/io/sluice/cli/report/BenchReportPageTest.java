package io.sluice.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class BenchReportPageTest {

    private static final List<ComparisonBar> BARS = List.of(
            new ComparisonBar("gateway TCP", 120_000, "Kafka ProducerPerformance", 400_000, "events/s"),
            new ComparisonBar("gateway HTTP/1.1", 90_000, "Kafka ProducerPerformance", 400_000, "events/s"),
            new ComparisonBar("writer", 60_000, "PostgreSQL COPY with offsets", 150_000, "rows/s"));

    private static PhaseSeries phase(String name, String unit, int seconds) {
        List<PhaseSample> samples = new ArrayList<>();
        for (int i = 0; i <= seconds; i++) {
            samples.add(new PhaseSample(i, i * 1000L, i == 0 ? 0 : 1000, 100L * 1024 * 1024 + i));
        }
        return new PhaseSeries(name, unit, samples);
    }

    private static List<PhaseSeries> phases() {
        return List.of(phase("gateway TCP", "events/s", 4), phase("gateway HTTP/1.1", "events/s", 3),
                phase("writer", "rows/s", 5));
    }

    @Test
    void pageHasBarAndPhaseCharts() {
        String html = BenchReportPage.renderHtml("Sluice bench", Map.of("command", "bin/sluice bench"), BARS,
                phases());

        assertThat(count(html, "<svg ")).isEqualTo(1 + 2 * 3);
        assertThat(count(html, "</svg>")).isEqualTo(1 + 2 * 3);
        assertThat(html).contains("Measured against the ceiling");
        assertThat(html).contains("Throughput: gateway TCP", "Throughput: gateway HTTP/1.1", "Throughput: writer");
        assertThat(html).contains("Heap used: gateway TCP", "Heap used: gateway HTTP/1.1", "Heap used: writer");
        assertThat(html).doesNotContain("<script");
        assertThat(html).doesNotContainPattern("(src|href)=\"https?:");
    }

    @Test
    void barChartDrawsMeasuredAndCeiling() {
        String html = BenchReportPage.renderHtml("Sluice bench", Map.of(), BARS, List.of());

        assertThat(count(html, "class=\"bar\"")).isEqualTo(2 * BARS.size());
        assertThat(html).contains("gateway TCP, events/s (30% of the ceiling)");
        assertThat(html).contains("writer, rows/s (40% of the ceiling)");
        assertThat(html).contains("400k Kafka ProducerPerformance");
    }

    @Test
    void barLengthsFollowTheRatio() {
        String html = BenchReportPage.renderHtml("Sluice bench", Map.of(), BARS.subList(0, 1), List.of());

        Matcher widths = Pattern.compile("class=\"bar\"[^>]*width=\"([0-9.]+)\"").matcher(html);
        assertThat(widths.find()).isTrue();
        double measured = Double.parseDouble(widths.group(1));
        assertThat(widths.find()).isTrue();
        double ceiling = Double.parseDouble(widths.group(1));
        assertThat(measured / ceiling).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void throughputLineHasOnePointPerSample() {
        String html = BenchReportPage.renderHtml("Sluice bench", Map.of(), BARS,
                List.of(phase("writer", "rows/s", 6)));

        Matcher polyline = Pattern.compile("points=\"([^\"]*)\"").matcher(html);
        assertThat(polyline.find()).isTrue();
        assertThat(polyline.group(1).trim().split(" ")).hasSize(7);
    }

    @Test
    void csvHasOneRowPerSampleAndPhase() {
        String csv = BenchReportPage.renderCsv(phases());

        String[] lines = csv.split("\n");
        assertThat(lines[0]).isEqualTo(BenchReportPage.CSV_HEADER);
        assertThat(lines).hasSize(1 + 5 + 4 + 6);
        assertThat(lines[1]).isEqualTo("\"gateway TCP\",0.000,0,0.0,104857600");
    }

    @Test
    void writeCreatesBothFiles(@TempDir Path directory) throws Exception {
        Path html = BenchReportPage.write(directory.resolve("bench"), "Sluice bench", Map.of(), BARS, phases());

        assertThat(html).exists();
        assertThat(Files.readString(html)).contains("<svg ");
        assertThat(Files.readString(directory.resolve("bench").resolve("timeseries.csv")))
                .startsWith(BenchReportPage.CSV_HEADER);
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
