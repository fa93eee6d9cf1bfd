package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.gateway.Gateway;
import io.sluice.writer.DbWriter;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Events sent over real HTTP and TCP sockets reach PostgreSQL through a real broker, each exactly once. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PipelineEndToEndTest {

    private static PipelineStack stack;

    @BeforeAll
    static void startStack() {
        stack = PipelineStack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void httpAndTcpEventsBecomeExactlyTheseRows() throws Exception {
        List<String> httpIds = EventSenders.ids("http", 50_000);
        List<String> tcpIds = EventSenders.ids("tcp", 50_000);

        try (Gateway gateway = stack.startGateway(); DbWriter writer = stack.startWriter(Map.of())) {
            List<HttpResponse<String>> responses = EventSenders.postAll(gateway.httpPort(), httpIds, 1_000);
            String tcpSummary = EventSenders.sendTcp(gateway.tcpPort(), tcpIds);

            assertThat(responses).hasSize(50);
            for (HttpResponse<String> response : responses) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(response.body()).contains("\"written\":1000");
            }
            assertThat(tcpSummary).contains("\"acked\":50000").contains("\"rejected\":0").contains("\"failed\":0");

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> stack.rowCount() >= 100_000);
            Thread.sleep(1_000);
        }

        Set<String> expected = new HashSet<>(httpIds);
        expected.addAll(tcpIds);
        assertThat(stack.rowCount()).isEqualTo(100_000);
        assertThat(stack.storedIds()).isEqualTo(expected);
        assertThat(stack.partitionsWithGaps()).isZero();
        assertThat(stack.queryLong("SELECT coalesce(sum(next_offset), 0) FROM sluice_offsets")).isEqualTo(100_000);
        assertThat(stack.queryLong("SELECT count(*) FROM sluice_dead_letters")).isZero();
    }
}
