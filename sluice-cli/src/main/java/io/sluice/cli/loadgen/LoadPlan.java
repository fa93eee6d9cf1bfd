package io.sluice.cli.loadgen;

import java.time.Duration;

/**
 * Parameters of one load generator run: the target, the connections of each transport, the number of events,
 * the maximum duration and the rate.
 *
 * @param host           gateway host, for example {@code 127.0.0.1}
 * @param tcpPort        gateway raw TCP NDJSON port
 * @param tcpConnections number of TCP connections (0 for none)
 * @param httpPort       gateway HTTP/1.1 port
 * @param httpConnections number of HTTP keep-alive connections (0 for none)
 * @param topic          topic in the HTTP path {@code /topics/{topic}}; TCP goes to the gateway's TCP topic
 * @param totalEvents    events to send over all connections, at most {@link Integer#MAX_VALUE}
 * @param maxDuration    the run stops sending new events after this long
 * @param ratePerSecond  target events per second over all connections; 0 or less means as fast as possible
 * @param batchLines     NDJSON lines per HTTP request body
 */
public record LoadPlan(String host, int tcpPort, int tcpConnections, int httpPort, int httpConnections,
                       String topic, long totalEvents, Duration maxDuration, double ratePerSecond, int batchLines) {

    public LoadPlan {
        if (tcpConnections < 0 || httpConnections < 0 || tcpConnections + httpConnections == 0) {
            throw new IllegalArgumentException("tcpConnections=" + tcpConnections + " httpConnections="
                    + httpConnections + " is invalid: need at least one connection and no negative count");
        }
        if (batchLines < 1) {
            throw new IllegalArgumentException("batchLines=" + batchLines + " is invalid: must be at least 1");
        }
        if (totalEvents < 1 || totalEvents > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("totalEvents=" + totalEvents + " is invalid: must be between 1 and "
                    + Integer.MAX_VALUE + ", because acknowledged events are tracked in a BitSet");
        }
    }
}
