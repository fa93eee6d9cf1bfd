package io.sluice.it.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Prometheus server process (Debian's {@code /usr/bin/prometheus}) listening on a free loopback port, with
 * its data in a temporary directory, queried through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path logFile;
    private final URI baseUri;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

    private PrometheusServer(Process process, Path logFile, int port) {
        this.process = process;
        this.logFile = logFile;
        this.baseUri = URI.create("http://127.0.0.1:" + port);
    }

    /** Starts Prometheus with {@code configFile} and returns once {@code /-/ready} returns 200. */
    static PrometheusServer start(Path binary, Path configFile, Path workDir, Duration readyTimeout)
            throws IOException, InterruptedException {
        int port = freeLoopbackPort();
        Path logFile = workDir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + Files.createDirectories(workDir.resolve("tsdb")),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        PrometheusServer server = new PrometheusServer(process, logFile, port);
        try {
            server.awaitReady(readyTimeout);
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Returns the series of an instant query at the current time; fails when Prometheus rejects the query. */
    List<JsonNode> query(String promql) throws IOException, InterruptedException {
        JsonNode data = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        List<JsonNode> series = new ArrayList<>();
        data.path("result").forEach(series::add);
        return series;
    }

    /** Returns the query of every alerting rule Prometheus loaded, by alert name. */
    Map<String, String> alertQueries() throws IOException, InterruptedException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode group : get("/api/v1/rules?type=alert").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                queries.put(rule.path("name").asText(), rule.path("query").asText());
            }
        }
        return queries;
    }

    /** Returns the server's log, to explain a failure. */
    String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(log not readable: " + e + ")";
        }
    }

    /** Stops the process with SIGTERM, then SIGKILL after 10 s; an interrupt kills it at once and is restored. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve(pathAndQuery)).timeout(REQUEST_TIMEOUT).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("Prometheus request " + pathAndQuery + " failed with status "
                    + response.statusCode() + ": " + body.path("error").asText(response.body()));
        }
        return body.path("data");
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve("/-/ready")).timeout(REQUEST_TIMEOUT).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited with code " + process.exitValue()
                        + " before it was ready; its log:\n" + log());
            }
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // Keep polling until the deadline.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Prometheus was not ready within " + timeout + "; its log:\n" + log());
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for Prometheus", e);
        }
    }
}
