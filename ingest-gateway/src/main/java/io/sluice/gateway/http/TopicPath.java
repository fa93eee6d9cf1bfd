package io.sluice.gateway.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/** Parses the ingest path {@code /topics/{topic}}; the query string is ignored. */
final class TopicPath {

    static final String PREFIX = "/topics/";

    /** Kafka's own rule for topic names (kafka-clients {@code Topic.validate}), checked before the allow-list. */
    private static final int MAX_TOPIC_CHARS = 249;
    private static final String TOPIC_NAME_RULE = "a Kafka topic name has 1 to " + MAX_TOPIC_CHARS
            + " characters from a-z, A-Z, 0-9, '.', '_' and '-', and is not '.' or '..'";

    /** Outcome of parsing one path: the decoded topic name, or the error for a malformed path. */
    record Parsed(String topic, String error) {
        boolean isValid() {
            return error == null;
        }
    }

    private TopicPath() {
    }

    /** Returns true when {@code uri} is under {@code /topics/}, whether or not the topic part is valid. */
    static boolean isTopicsPath(String uri) {
        return rawPath(uri).startsWith(PREFIX);
    }

    /**
     * Returns the percent-decoded topic of a path under {@code /topics/}, or an error when the path has no topic,
     * more than one segment after the prefix, broken percent-encoding, or a name Kafka does not allow.
     */
    static Parsed parse(String uri) {
        String path = rawPath(uri);
        String segment = path.substring(PREFIX.length());
        if (segment.isEmpty()) {
            return new Parsed(null, "missing topic name in " + PREFIX + "; send NDJSON to " + PREFIX + "{topic}");
        }
        if (segment.indexOf('/') >= 0) {
            return new Parsed(null, "invalid path " + path + ": expected " + PREFIX + "{topic} with no further"
                    + " segments");
        }
        String topic;
        try {
            // A '+' in a path is a plus sign, not a space as in a query string.
            topic = QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Parsed(null, "invalid path " + path + ": broken percent-encoding");
        }
        if (!isValidTopicName(topic)) {
            return new Parsed(null, "invalid topic name '" + topic + "': " + TOPIC_NAME_RULE);
        }
        return new Parsed(topic, null);
    }

    private static boolean isValidTopicName(String topic) {
        if (topic.isEmpty() || topic.length() > MAX_TOPIC_CHARS || topic.equals(".") || topic.equals("..")) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!legal) {
                return false;
            }
        }
        return true;
    }

    private static String rawPath(String uri) {
        int end = uri.length();
        int query = uri.indexOf('?');
        int fragment = uri.indexOf('#');
        if (query >= 0) {
            end = query;
        }
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        return uri.substring(0, end);
    }
}
