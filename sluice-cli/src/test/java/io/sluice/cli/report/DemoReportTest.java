package io.sluice.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class DemoReportTest {

    private static List<Sample> samples(int count) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            samples.add(new Sample(i, i * 1000L, i * 900L, i * 800L, 1000, 900, 800, i * 100L, i, i / 2,
                    64L * 1024 * 1024 + i));
        }
        return samples;
    }

    @Test
    void htmlHasOneSvgPerChart() {
        String html = DemoReport.renderHtml("Demo", Map.of("lost", "0"), samples(5));

        assertThat(count(html, "<svg ")).isEqualTo(4);
        assertThat(count(html, "</svg>")).isEqualTo(4);
        assertThat(html).contains("Throughput", "Writer lag", "Pauses (cumulative)", "Heap used");
        assertThat(html).doesNotContain("<script");
        assertThat(html).doesNotContainPattern("(src|href)=\"https?:");
    }

    @Test
    void htmlEscapesSummaryText() {
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("note", "<b>&\"x\"</b>");

        String html = DemoReport.renderHtml("A < B", summary, samples(2));

        assertThat(html).contains("&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;");
        assertThat(html).contains("<title>A &lt; B</title>");
    }

    @Test
    void polylineHasOnePointPerSample() {
        String html = DemoReport.renderHtml("Demo", Map.of(), samples(7));

        Matcher polyline = Pattern.compile("points=\"([^\"]*)\"").matcher(html);
        assertThat(polyline.find()).isTrue();
        assertThat(polyline.group(1).trim().split(" ")).hasSize(7);
    }

    @Test
    void emptySeriesStillRenders() {
        String html = DemoReport.renderHtml("Demo", Map.of(), List.of());

        assertThat(count(html, "<svg ")).isEqualTo(4);
    }

    @Test
    void csvHasHeaderAndOneRowPerSample() {
        String csv = TimeSeriesCsv.render(samples(3));

        String[] lines = csv.split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).isEqualTo(TimeSeriesCsv.HEADER);
        int columns = lines[0].split(",").length;
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",");
            assertThat(cells).hasSize(columns);
            for (String cell : cells) {
                assertThat(cell).matches("-?\\d+(\\.\\d+)?");
            }
        }
        assertThat(lines[2]).startsWith("2.000,2000,1800,1600,");
    }

    @Test
    void writeCreatesBothFiles(@TempDir Path directory) throws Exception {
        Path html = DemoReport.write(directory.resolve("report"), "Demo", Map.of("sent", "3"), samples(3));

        assertThat(html).exists();
        assertThat(Files.readString(html)).contains("<svg ");
        assertThat(Files.readString(directory.resolve("report").resolve(DemoReport.CSV_FILE)))
                .startsWith(TimeSeriesCsv.HEADER);
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
