package io.sluice.it.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads every PromQL query of a Grafana dashboard and makes it runnable on Prometheus: Grafana's interval
 * variables get fixed values and template variables match everything.
 */
final class DashboardQueries {

    /** Values for Grafana's built-in variables, sized for a 1s scrape interval and a test of about a minute. */
    private static final Map<String, String> BUILT_IN_VALUES = Map.of(
            "$__rate_interval", "30s",
            "$__interval", "5s",
            "$__range", "5m");
    private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\$\\{\\w+(:\\w+)?}|\\$\\w+");
    private static final Pattern LABEL_VALUES =
            Pattern.compile("^\\s*label_values\\(\\s*([^,]+?)\\s*,\\s*\\w+\\s*\\)\\s*$");

    private DashboardQueries() {
    }

    /** Returns the runnable queries of every panel and template variable, by a name that locates them. */
    static Map<String, String> read(Path dashboardFile) throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(dashboardFile.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        addPanelQueries(dashboard.path("panels"), queries);
        addVariableQueries(dashboard.path("templating").path("list"), queries);
        return queries;
    }

    /** Replaces Grafana's built-in variables with fixed durations and template variables with {@code .*}. */
    static String runnable(String expr) {
        String result = expr;
        for (Map.Entry<String, String> builtIn : BUILT_IN_VALUES.entrySet()) {
            result = result.replace(builtIn.getKey(), builtIn.getValue());
        }
        return TEMPLATE_VARIABLE.matcher(result).replaceAll(".*");
    }

    private static void addPanelQueries(JsonNode panels, Map<String, String> queries) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                String name = "panel '" + panel.path("title").asText() + "' query " + target.path("refId").asText();
                queries.put(name, runnable(target.path("expr").asText()));
            }
            addPanelQueries(panel.path("panels"), queries);
        }
    }

    /** Adds the metric selector of each {@code label_values(metric, label)} variable query. */
    private static void addVariableQueries(JsonNode variables, Map<String, String> queries) {
        for (JsonNode variable : variables) {
            if (!"query".equals(variable.path("type").asText())) {
                continue;
            }
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            Matcher labelValues = LABEL_VALUES.matcher(text);
            String selector = labelValues.matches() ? labelValues.group(1) : text;
            queries.put("variable $" + variable.path("name").asText(), runnable(selector));
        }
    }
}
