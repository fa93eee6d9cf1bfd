package io.sluice.cli.report;

import java.util.List;
import java.util.Locale;

/**
 * Each measured figure as a bar beside its ceiling's bar, rendered as inline SVG without scripts. Every pair has
 * its own scale (the longer of the two bars fills the width), because figures differ in unit and size.
 */
final class SvgBarChart {

    private static final int WIDTH = 760;
    private static final int LEFT = 20;
    private static final int BAR_SPACE = 520;
    private static final int TOP = 30;
    private static final int ROW_HEIGHT = 64;
    private static final int BAR_HEIGHT = 16;
    private static final String MEASURED_COLOR = "#1f77b4";
    private static final String CEILING_COLOR = "#aaaaaa";

    private final String title;
    private final List<ComparisonBar> bars;

    SvgBarChart(String title, List<ComparisonBar> bars) {
        this.title = title;
        this.bars = List.copyOf(bars);
    }

    String render() {
        int height = TOP + ROW_HEIGHT * Math.max(1, bars.size()) + 10;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n", WIDTH, height, WIDTH, height,
                Html.escape(title)));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", LEFT,
                Html.escape(title)));
        for (int i = 0; i < bars.size(); i++) {
            appendPair(svg, bars.get(i), TOP + i * ROW_HEIGHT);
        }
        return svg.append("</svg>\n").toString();
    }

    private void appendPair(StringBuilder svg, ComparisonBar bar, int top) {
        double scale = Math.max(bar.measured(), bar.ceiling());
        String ratio = Double.isNaN(bar.ratio()) ? "" : String.format(Locale.ROOT, " (%.0f%% of the ceiling)",
                bar.ratio() * 100);
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n", LEFT, top + 12,
                Html.escape(bar.label() + ", " + bar.unit() + ratio)));
        appendBar(svg, top + 18, bar.measured(), scale, MEASURED_COLOR, "measured");
        appendBar(svg, top + 18 + BAR_HEIGHT + 4, bar.ceiling(), scale, CEILING_COLOR, bar.ceilingLabel());
    }

    private static void appendBar(StringBuilder svg, int y, double value, double scale, String color, String name) {
        double length = scale > 0 ? BAR_SPACE * value / scale : 0;
        svg.append(String.format(Locale.ROOT,
                "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                LEFT, y, length, BAR_HEIGHT, color));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>%n",
                LEFT + length + 6, y + BAR_HEIGHT - 4,
                Html.escape(SvgChart.formatNumber(value) + " " + name)));
    }
}
