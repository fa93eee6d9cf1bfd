package io.sluice.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Sends generated payment events to a running gateway over real HTTP/1.1 and TCP sockets on loopback. */
final class EventSenders {

    private EventSenders() {
    }

    static String paymentEvent(String id, int sequence) {
        return String.format("{\"id\":\"%s\",\"account\":\"acct-%d\",\"amount\":\"%d.%02d\",\"currency\":\"EUR\","
                + "\"time\":\"2026-12-04T10:00:00Z\"}", id, sequence % 97, sequence % 5000, sequence % 100);
    }

    static List<String> ids(String prefix, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(prefix + "-" + i);
        }
        return ids;
    }

    static String ndjson(List<String> ids, int from, int to) {
        StringBuilder body = new StringBuilder();
        for (int i = from; i < to; i++) {
            body.append(paymentEvent(ids.get(i), i)).append('\n');
        }
        return body.toString();
    }

    /** Posts the events in bodies of {@code linesPerRequest} lines and returns the responses in order. */
    static List<HttpResponse<String>> postAll(int httpPort, List<String> ids, int linesPerRequest)
            throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        URI uri = URI.create("http://127.0.0.1:" + httpPort + "/topics/" + PipelineStack.TOPIC);
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += linesPerRequest) {
            int to = Math.min(ids.size(), from + linesPerRequest);
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(ndjson(ids, from, to)))
                    .build();
            responses.add(client.send(request, HttpResponse.BodyHandlers.ofString()));
        }
        return responses;
    }

    /**
     * Streams the events over one TCP connection, half-closes it and returns the gateway's summary line,
     * which it writes once every event of the connection is acknowledged or failed.
     */
    static String sendTcp(int tcpPort, List<String> ids) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tcpPort), 10_000);
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            int chunk = 2_000;
            for (int from = 0; from < ids.size(); from += chunk) {
                out.write(ndjson(ids, from, Math.min(ids.size(), from + chunk)).getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            socket.shutdownOutput();
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            return reader.readLine();
        }
    }
}
