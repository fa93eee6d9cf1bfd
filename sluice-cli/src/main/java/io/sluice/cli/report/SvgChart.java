package io.sluice.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A line chart of one or more series over elapsed seconds, rendered as inline SVG without scripts. */
final class SvgChart {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 240;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;

    /** One line of the chart. */
    record Series(String name, String color, double[] values) {
    }

    private final String title;
    private final String unit;
    private final double[] elapsedSeconds;
    private final List<Series> series = new ArrayList<>();

    SvgChart(String title, String unit, double[] elapsedSeconds) {
        this.title = title;
        this.unit = unit;
        this.elapsedSeconds = elapsedSeconds;
    }

    SvgChart add(String name, String color, double[] values) {
        series.add(new Series(name, color, values));
        return this;
    }

    String render() {
        double maxX = Math.max(1, max(elapsedSeconds));
        double maxY = niceCeiling(series.stream().mapToDouble(s -> max(s.values())).max().orElse(0));
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT,
                Html.escape(title)));
        appendFrame(svg, maxX, maxY);
        for (int i = 0; i < series.size(); i++) {
            appendSeries(svg, series.get(i), maxX, maxY);
            appendLegend(svg, series.get(i), i);
        }
        return svg.append("</svg>\n").toString();
    }

    private void appendFrame(StringBuilder svg, double maxX, double maxY) {
        int plotBottom = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                LEFT, Html.escape(title)));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                LEFT, TOP, LEFT, plotBottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                LEFT, plotBottom, WIDTH - RIGHT, plotBottom));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
                LEFT - 4, TOP + 4, Html.escape(formatNumber(maxY) + " " + unit)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">0</text>%n",
                LEFT - 4, plotBottom));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s s</text>%n",
                WIDTH - RIGHT, HEIGHT - 12, formatNumber(maxX)));
    }

    private void appendSeries(StringBuilder svg, Series line, double maxX, double maxY) {
        svg.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(Html.escape(line.color()))
                .append("\" points=\"");
        int points = Math.min(elapsedSeconds.length, line.values().length);
        for (int i = 0; i < points; i++) {
            double x = LEFT + (WIDTH - LEFT - RIGHT) * elapsedSeconds[i] / maxX;
            double y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (maxY == 0 ? 0 : line.values()[i] / maxY);
            svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        svg.append("\"/>\n");
    }

    private void appendLegend(StringBuilder svg, Series line, int index) {
        int x = LEFT + 10 + index * 170;
        int y = HEIGHT - 12;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>%n",
                x, y - 4, Html.escape(line.color())));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n",
                x + 16, y, Html.escape(line.name())));
    }

    private static double max(double[] values) {
        double max = 0;
        for (double value : values) {
            max = Math.max(max, value);
        }
        return max;
    }

    /** Rounds up to 1, 2 or 5 times a power of ten, so the axis label reads well. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (value <= step * magnitude) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    static String formatNumber(double value) {
        if (value >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", value / 1_000_000);
        }
        if (value >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", value / 1_000);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }
}
