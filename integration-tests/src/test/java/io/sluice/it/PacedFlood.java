package io.sluice.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts a bounded number of payment events to a gateway over HTTP/1.1 on loopback, on its own thread, paced to a
 * target rate in events per second. Requests are sequential, so a gateway that responds slowly slows the flood.
 */
final class PacedFlood implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI uri;
    private final List<String> ids;
    private final int eventsPerSecond;
    private final int linesPerRequest;
    private final Thread sender;
    /** Written by the sender thread, read by the test thread. */
    private final AtomicLong ackedEvents = new AtomicLong();
    /** Status and body of every response other than 200, or the exception that ended the flood. */
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private PacedFlood(int httpPort, List<String> ids, int eventsPerSecond, int linesPerRequest) {
        this.uri = URI.create("http://127.0.0.1:" + httpPort + "/topics/" + PipelineStack.TOPIC);
        this.ids = ids;
        this.eventsPerSecond = eventsPerSecond;
        this.linesPerRequest = linesPerRequest;
        this.sender = new Thread(this::sendAll, "lag-test-flood");
        this.sender.setDaemon(true);
    }

    /** Starts posting the events of {@code ids} in requests of {@code linesPerRequest} lines. */
    static PacedFlood start(int httpPort, List<String> ids, int eventsPerSecond, int linesPerRequest) {
        PacedFlood flood = new PacedFlood(httpPort, ids, eventsPerSecond, linesPerRequest);
        flood.sender.start();
        return flood;
    }

    /** Waits at most {@code timeout} until every event was posted or the flood failed, and returns whether it ended. */
    boolean awaitDone(Duration timeout) throws InterruptedException {
        sender.join(timeout.toMillis());
        return !sender.isAlive();
    }

    /** Events in requests that got status 200, which the gateway returns once Kafka acknowledged every event. */
    long ackedEvents() {
        return ackedEvents.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
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

    private void sendAll() {
        long startNanos = System.nanoTime();
        try {
            for (int from = 0; running && from < ids.size(); from += linesPerRequest) {
                waitForTurn(startNanos, from);
                int to = Math.min(ids.size(), from + linesPerRequest);
                post(EventSenders.ndjson(ids, from, to), to - from);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            failures.add("request failed: " + e);
        }
    }

    /** Sleeps until the moment event {@code sent} is due at the target rate. */
    private void waitForTurn(long startNanos, int sent) throws InterruptedException {
        long dueNanos = startNanos + TimeUnit.SECONDS.toNanos(sent) / eventsPerSecond;
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }

    private void post(String body, int lines) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
            ackedEvents.addAndGet(lines);
        } else {
            failures.add(response.statusCode() + " " + response.body());
        }
    }
}
