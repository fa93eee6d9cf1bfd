package io.sluice.gateway.http;

import io.netty.handler.codec.http.QueryStringDecoder;

/** Parses the ingest path {@code /topics/{topic}}; the query string is ignored. */
final class TopicPath {

    static final String PREFIX = "/topics/";

    private TopicPath() {
    }

    /** Returns true when {@code uri} is under {@code /topics/}, whether or not the topic part is valid. */
    static boolean isTopicsPath(String uri) {
        return path(uri).startsWith(PREFIX);
    }

    /** Returns the topic of {@code /topics/{topic}}, or null when the path has another shape. */
    static String topic(String uri) {
        String path = path(uri);
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        String topic = path.substring(PREFIX.length());
        if (topic.isEmpty() || topic.indexOf('/') >= 0) {
            return null;
        }
        return topic;
    }

    private static String path(String uri) {
        return new QueryStringDecoder(uri).path();
    }
}
