package io.sluice.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's report: {@code report.html} with a bar chart of each figure against its ceiling and, per
 * measured phase, throughput and heap over time; and {@code timeseries.csv} with the samples of every phase.
 */
public final class BenchReportPage {

    public static final String CSV_HEADER = "phase,elapsed_seconds,total,per_second,heap_used_bytes";
    private static final double BYTES_PER_MIB = 1024.0 * 1024.0;

    private BenchReportPage() {
    }

    /** Writes both files into {@code directory} (created when missing) and returns the path of the HTML file. */
    public static Path write(Path directory, String title, Map<String, String> summary, List<ComparisonBar> bars,
                             List<PhaseSeries> phases) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(DemoReport.CSV_FILE), renderCsv(phases), StandardCharsets.UTF_8);
        Path html = directory.resolve(DemoReport.HTML_FILE);
        Files.writeString(html, renderHtml(title, summary, bars, phases), StandardCharsets.UTF_8);
        return html;
    }

    /** Renders the page: the summary table, the bar chart, then a throughput and a heap chart per phase. */
    public static String renderHtml(String title, Map<String, String> summary, List<ComparisonBar> bars,
                                    List<PhaseSeries> phases) {
        HtmlPage page = new HtmlPage(title).summary(summary);
        page.svg(new SvgBarChart("Measured against the ceiling", bars).render());
        for (PhaseSeries phase : phases) {
            double[] x = column(phase, PhaseSample::elapsedSeconds);
            page.heading(phase.phase())
                    .svg(new SvgChart("Throughput: " + phase.phase(), phase.unit(), x)
                            .add(phase.unit(), "#2ca02c", column(phase, PhaseSample::perSecond)).render())
                    .svg(new SvgChart("Heap used: " + phase.phase(), "MiB", x)
                            .add("heap used", "#17becf", column(phase, s -> s.heapUsedBytes() / BYTES_PER_MIB))
                            .render());
        }
        return page.finish(DemoReport.CSV_FILE);
    }

    /** Renders every phase's samples as CSV rows; phase names are quoted, since they may contain commas. */
    public static String renderCsv(List<PhaseSeries> phases) {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (PhaseSeries phase : phases) {
            String name = "\"" + phase.phase().replace("\"", "\"\"") + "\"";
            for (PhaseSample s : phase.samples()) {
                csv.append(String.format(Locale.ROOT, "%s,%.3f,%d,%.1f,%d%n", name, s.elapsedSeconds(), s.total(),
                        s.perSecond(), s.heapUsedBytes()));
            }
        }
        return csv.toString();
    }

    private static double[] column(PhaseSeries phase, ToDoubleFunction<PhaseSample> field) {
        return phase.samples().stream().mapToDouble(field).toArray();
    }
}
