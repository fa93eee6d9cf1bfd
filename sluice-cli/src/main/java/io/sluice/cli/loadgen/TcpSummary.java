package io.sluice.cli.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * The summary line the gateway writes on a TCP connection after the client shut down its output:
 * {@code {"acked":N,"rejected":M,"failed":K}}.
 */
public record TcpSummary(long acked, long rejected, long failed) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses a summary line, or returns empty when the line is not a JSON object with an {@code acked} number. */
    public static Optional<TcpSummary> parse(String line) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject() || !root.path("acked").canConvertToLong()) {
            return Optional.empty();
        }
        return Optional.of(new TcpSummary(root.path("acked").asLong(), root.path("rejected").asLong(0),
                root.path("failed").asLong(0)));
    }

    /** Returns whether every one of {@code sent} events was acknowledged. */
    public boolean acknowledgesAll(long sent) {
        return acked == sent && rejected == 0 && failed == 0;
    }
}
