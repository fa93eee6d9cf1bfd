package io.sluice.it.monitoring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts NDJSON events to a gateway over HTTP on loopback: a steady background stream of valid events, and
 * single requests that the gateway or PostgreSQL reject.
 */
final class EventTraffic implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final int httpPort;
    private final Thread sender;
    /** Written by the sender thread, read by the test thread. */
    private final AtomicLong acceptedRequests = new AtomicLong();
    private volatile boolean running = true;

    private EventTraffic(int httpPort, int eventsPerRequest, Duration pause) {
        this.httpPort = httpPort;
        this.sender = new Thread(() -> sendUntilClosed(eventsPerRequest, pause), "monitoring-test-traffic");
        this.sender.setDaemon(true);
    }

    /** Starts a thread that posts {@code eventsPerRequest} valid events, then sleeps {@code pause}, until closed. */
    static EventTraffic start(int httpPort, int eventsPerRequest, Duration pause) {
        EventTraffic traffic = new EventTraffic(httpPort, eventsPerRequest, pause);
        traffic.sender.start();
        return traffic;
    }

    /** Posts {@code body} to {@code /topics/{topic}} and returns the status code. */
    int post(String topic, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/topics/" + topic))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    long acceptedRequests() {
        return acceptedRequests.get();
    }

    /** Stops the sender thread and waits up to 10 s for it; an interrupt of the caller is restored. */
    @Override
    public void close() {
        running = false;
        sender.interrupt();
        try {
            sender.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendUntilClosed(int eventsPerRequest, Duration pause) {
        long sequence = 0;
        while (running) {
            try {
                if (post("events", "application/x-ndjson", validEvents(sequence, eventsPerRequest)) == 200) {
                    acceptedRequests.incrementAndGet();
                }
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                // The test checks metrics, not this request: keep the stream going until close().
                if (!sleepQuietly(pause)) {
                    return;
                }
            }
            sequence += eventsPerRequest;
        }
    }

    private static byte[] validEvents(long firstSequence, int count) {
        StringBuilder body = new StringBuilder();
        for (long sequence = firstSequence; sequence < firstSequence + count; sequence++) {
            body.append("{\"id\":\"m-").append(sequence).append("\",\"amount\":").append(sequence % 1000)
                    .append(",\"currency\":\"EUR\"}\n");
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Sleeps for {@code pause} and returns false when interrupted, with the interrupt flag restored. */
    private static boolean sleepQuietly(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
