package io.sluice.gateway.config;

import io.sluice.common.config.ConfigException;
import io.sluice.common.config.Settings;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/** Validated ingest limits read once from {@link Settings} and shared by the HTTP and TCP handlers. */
public record IngestOptions(Set<String> topics, String tcpTopic, String keyField, int maxLineBytes,
                            long maxRequestBytes, int maxConnections, Duration idleTimeout, Duration retryAfter,
                            Duration requestHeaderTimeout, double lowWaterMark) {

    /** Maximum number of rejected or failed lines listed in one HTTP response; the counts stay exact beyond it. */
    public static final int MAX_LISTED_LINES = 1000;

    /** Reads the options and checks the rules that span keys, such as the TCP topic being allowed. */
    public static IngestOptions from(Settings settings) {
        Set<String> topics = new LinkedHashSet<>(settings.get(GatewayConfig.TOPICS));
        String tcpTopic = settings.get(GatewayConfig.TCP_TOPIC);
        if (!topics.contains(tcpTopic)) {
            throw new ConfigException(GatewayConfig.TCP_TOPIC.name() + "=" + tcpTopic + " is not listed in "
                    + GatewayConfig.TOPICS.name() + "=" + String.join(",", topics)
                    + "; add it to " + GatewayConfig.TOPICS.name() + " or pick a listed topic");
        }
        return new IngestOptions(Set.copyOf(topics), tcpTopic, settings.get(GatewayConfig.KEY_FIELD),
                settings.get(GatewayConfig.MAX_LINE_BYTES).intValue(), settings.get(GatewayConfig.MAX_REQUEST_BYTES),
                settings.get(GatewayConfig.MAX_CONNECTIONS), settings.get(GatewayConfig.IDLE_TIMEOUT),
                settings.get(GatewayConfig.RETRY_AFTER), settings.get(GatewayConfig.REQUEST_HEADER_TIMEOUT),
                Double.parseDouble(settings.get(GatewayConfig.LOW_WATER_MARK)));
    }

    /** Retry-After header value in whole seconds, rounded up. */
    public long retryAfterSeconds() {
        return (retryAfter.toMillis() + 999) / 1000;
    }
}
