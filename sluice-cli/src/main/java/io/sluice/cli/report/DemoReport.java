package io.sluice.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The demo's report: a self-contained {@code report.html} (inline SVG charts, no scripts, no external
 * resources) and the raw {@code timeseries.csv}.
 */
public final class DemoReport {

    public static final String HTML_FILE = "report.html";
    public static final String CSV_FILE = "timeseries.csv";
    private static final double BYTES_PER_MIB = 1024.0 * 1024.0;

    private DemoReport() {
    }

    /** Writes both files into {@code directory} (created when missing) and returns the path of the HTML file. */
    public static Path write(Path directory, String title, Map<String, String> summary, List<Sample> samples)
            throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(CSV_FILE), TimeSeriesCsv.render(samples), StandardCharsets.UTF_8);
        Path html = directory.resolve(HTML_FILE);
        Files.writeString(html, renderHtml(title, summary, samples), StandardCharsets.UTF_8);
        return html;
    }

    /** Renders the HTML page: the summary table, then one SVG chart per figure. */
    public static String renderHtml(String title, Map<String, String> summary, List<Sample> samples) {
        HtmlPage page = new HtmlPage(title).summary(summary);
        for (SvgChart chart : charts(samples)) {
            page.svg(chart.render());
        }
        return page.finish(CSV_FILE);
    }

    private static List<SvgChart> charts(List<Sample> samples) {
        double[] x = column(samples, Sample::elapsedSeconds);
        return List.of(
                new SvgChart("Throughput", "events/s", x)
                        .add("sent", "#1f77b4", column(samples, Sample::sentPerSecond))
                        .add("acknowledged by Kafka", "#2ca02c", column(samples, Sample::acknowledgedPerSecond))
                        .add("written to PostgreSQL", "#d62728", column(samples, Sample::writtenPerSecond)),
                new SvgChart("Writer lag", "records", x)
                        .add("lag records", "#9467bd", column(samples, Sample::lagRecords)),
                new SvgChart("Pauses (cumulative)", "pauses", x)
                        .add("gateway read pauses", "#ff7f0e", column(samples, Sample::gatewayReadPauses))
                        .add("writer partition pauses", "#8c564b", column(samples, Sample::writerPartitionPauses)),
                new SvgChart("Heap used", "MiB", x)
                        .add("heap used", "#17becf", column(samples, s -> s.heapUsedBytes() / BYTES_PER_MIB)));
    }

    private static double[] column(List<Sample> samples, ToDoubleFunction<Sample> field) {
        return samples.stream().mapToDouble(field).toArray();
    }
}
