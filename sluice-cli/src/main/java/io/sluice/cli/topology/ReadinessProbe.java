package io.sluice.cli.topology;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Polls a child's readiness URL until it returns 200, the child exits, or a timeout passes. */
final class ReadinessProbe {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final int LOG_TAIL_LINES = 20;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

    /**
     * Returns once {@code url} returns 200.
     *
     * @throws IllegalStateException if the child exits first or {@code timeout} passes; the message names the
     *                               child, its log file and the log's last lines
     */
    void awaitReady(ChildProcess child, URI url, Duration timeout) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        int lastStatus = -1;
        while (System.nanoTime() - deadlineNanos < 0) {
            if (!child.isAlive()) {
                throw new IllegalStateException("Failed to start: " + child.describeExit(LOG_TAIL_LINES));
            }
            lastStatus = status(url);
            if (lastStatus == 200) {
                return;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        throw new IllegalStateException(String.format("%s did not report ready at %s within %s (last status: %s);"
                        + " raise --ready-timeout if the machine is busy. %s", child.name(), url, timeout,
                lastStatus < 0 ? "no response" : lastStatus, child.describeExit(LOG_TAIL_LINES)));
    }

    /** Returns the HTTP status of a GET, or -1 when the connection or the request fails. */
    private int status(URI url) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT).GET().build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }
}
