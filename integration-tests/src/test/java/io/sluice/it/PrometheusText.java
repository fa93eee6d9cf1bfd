package io.sluice.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples from the Prometheus text output of a service's admin port on loopback. */
final class PrometheusText {

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    private PrometheusText() {
    }

    /** Fetches {@code /metrics} from the admin port and returns the body, failing on any status but 200. */
    static String scrape(int adminPort) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics on admin port " + adminPort + " returned "
                    + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /**
     * Returns the value of the first sample named {@code name} whose labels include every entry of {@code labels},
     * or empty when there is none.
     */
    static OptionalDouble value(String text, String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && labelsOf(line).entrySet().containsAll(labels.entrySet())) {
                return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return OptionalDouble.empty();
    }

    private static Map<String, String> labelsOf(String line) {
        Map<String, String> labels = new HashMap<>();
        Matcher matcher = LABEL.matcher(line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1));
        while (matcher.find()) {
            labels.put(matcher.group(1), matcher.group(2));
        }
        return labels;
    }
}
