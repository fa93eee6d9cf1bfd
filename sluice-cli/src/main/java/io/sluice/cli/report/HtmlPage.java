package io.sluice.cli.report;

import java.util.Map;

/** A self-contained report page: inline CSS and SVG, no scripts and no external resources. */
final class HtmlPage {

    private static final String STYLE = "body{font-family:sans-serif;margin:24px}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
            + "svg{display:block;margin:16px 0}";

    private final StringBuilder html = new StringBuilder();

    HtmlPage(String title) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Html.escape(title)).append("</title>\n<style>").append(STYLE)
                .append("</style>\n</head>\n<body>\n<h1>").append(Html.escape(title)).append("</h1>\n");
    }

    HtmlPage heading(String text) {
        html.append("<h2>").append(Html.escape(text)).append("</h2>\n");
        return this;
    }

    /** Appends a two-column table of names and values. */
    HtmlPage summary(Map<String, String> rows) {
        html.append("<table>\n");
        rows.forEach((name, value) -> html.append("<tr><th>").append(Html.escape(name)).append("</th><td>")
                .append(Html.escape(value)).append("</td></tr>\n"));
        html.append("</table>\n");
        return this;
    }

    /** Appends SVG markup produced by this package's charts, which escape their own text. */
    HtmlPage svg(String svg) {
        html.append(svg);
        return this;
    }

    /** Appends the link to the raw samples and closes the page. */
    String finish(String csvFile) {
        return html.append("<p>Raw samples: <a href=\"").append(csvFile).append("\">").append(csvFile)
                .append("</a></p>\n</body>\n</html>\n").toString();
    }
}
