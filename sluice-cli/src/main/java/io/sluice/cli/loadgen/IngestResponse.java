package io.sluice.cli.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's response to one HTTP ingest request, parsed from its status and JSON body.
 *
 * <p>Bodies: 200 {@code {"written":N}}; 400 adds {@code "rejected":[{"line":L,...}]}; 503 adds
 * {@code "failed":[{"line":L,...}]} and a {@code Retry-After} header. Line numbers start at 1.
 *
 * @param status            HTTP status code
 * @param written           events the gateway reports as written to Kafka
 * @param rejectedLines     line numbers listed as rejected (invalid input)
 * @param failedLines       line numbers listed as failed (Kafka did not acknowledge them)
 * @param truncated         true when the gateway capped a list, so some refused lines are not named
 * @param retryAfterSeconds value of {@code Retry-After}, or 0 when absent
 */
public record IngestResponse(int status, long written, List<Integer> rejectedLines, List<Integer> failedLines,
                             boolean truncated, long retryAfterSeconds) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses a response; a body that is not JSON gives a response with no counts. */
    public static IngestResponse parse(int status, String retryAfterHeader, String body) {
        long retryAfterSeconds = parseRetryAfter(retryAfterHeader);
        JsonNode root;
        try {
            root = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return new IngestResponse(status, 0, List.of(), List.of(), false, retryAfterSeconds);
        }
        return new IngestResponse(status, root.path("written").asLong(0), lineNumbers(root.path("rejected")),
                lineNumbers(root.path("failed")), root.path("truncated").asBoolean(false), retryAfterSeconds);
    }

    /**
     * Returns whether the 1-based line {@code lineNumber} of the request is known to be acknowledged by Kafka.
     * A 200 acknowledges every line; a 400 or 503 every line not listed, unless the lists were truncated.
     */
    public boolean isAcknowledged(int lineNumber) {
        if (status == 200) {
            return true;
        }
        if ((status != 400 && status != 503) || truncated) {
            return false;
        }
        return !rejectedLines.contains(lineNumber) && !failedLines.contains(lineNumber);
    }

    private static List<Integer> lineNumbers(JsonNode entries) {
        if (!entries.isArray()) {
            return List.of();
        }
        List<Integer> lines = new ArrayList<>(entries.size());
        for (JsonNode entry : entries) {
            JsonNode line = entry.path("line");
            if (line.canConvertToInt()) {
                lines.add(line.asInt());
            }
        }
        return List.copyOf(lines);
    }

    private static long parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
