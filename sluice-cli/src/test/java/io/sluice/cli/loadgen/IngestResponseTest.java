package io.sluice.cli.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class IngestResponseTest {

    @Test
    void okAcknowledgesEveryLine() {
        IngestResponse response = IngestResponse.parse(200, null, "{\"written\":3}");

        assertThat(response.written()).isEqualTo(3);
        assertThat(response.isAcknowledged(1)).isTrue();
        assertThat(response.isAcknowledged(3)).isTrue();
    }

    @Test
    void badRequestListsRejectedLines() {
        String body = "{\"written\":2,\"rejected\":[{\"line\":2,\"reason\":\"malformed_json\",\"detail\":\"x\"}],"
                + "\"rejectedCount\":1}";

        IngestResponse response = IngestResponse.parse(400, null, body);

        assertThat(response.written()).isEqualTo(2);
        assertThat(response.rejectedLines()).containsExactly(2);
        assertThat(response.isAcknowledged(1)).isTrue();
        assertThat(response.isAcknowledged(2)).isFalse();
        assertThat(response.isAcknowledged(3)).isTrue();
    }

    @Test
    void unavailableListsFailedLinesAndRetryAfter() {
        String body = "{\"written\":1,\"failed\":[{\"line\":1,\"error\":\"timeout\"},{\"line\":3,\"error\":\"t\"}]}";

        IngestResponse response = IngestResponse.parse(503, "5", body);

        assertThat(response.retryAfterSeconds()).isEqualTo(5);
        assertThat(response.failedLines()).isEqualTo(List.of(1, 3));
        assertThat(response.isAcknowledged(1)).isFalse();
        assertThat(response.isAcknowledged(2)).isTrue();
        assertThat(response.isAcknowledged(3)).isFalse();
    }

    @Test
    void truncatedListAcknowledgesNothing() {
        String body = "{\"written\":5,\"rejected\":[{\"line\":1}],\"rejectedCount\":2000,\"truncated\":true}";

        IngestResponse response = IngestResponse.parse(400, null, body);

        assertThat(response.truncated()).isTrue();
        assertThat(response.isAcknowledged(2)).isFalse();
    }

    @Test
    void otherStatusAcknowledgesNothing() {
        IngestResponse response = IngestResponse.parse(404, null, "{\"error\":\"unknown topic\"}");

        assertThat(response.isAcknowledged(1)).isFalse();
        assertThat(response.written()).isZero();
    }

    @Test
    void bodyThatIsNotJsonGivesNoCounts() {
        IngestResponse response = IngestResponse.parse(503, "soon", "<html>busy</html>");

        assertThat(response.written()).isZero();
        assertThat(response.failedLines()).isEmpty();
        assertThat(response.retryAfterSeconds()).isZero();
    }

    @Test
    void tcpSummaryParses() {
        TcpSummary summary = TcpSummary.parse("{\"acked\":10,\"rejected\":0,\"failed\":0}").orElseThrow();

        assertThat(summary.acknowledgesAll(10)).isTrue();
        assertThat(summary.acknowledgesAll(11)).isFalse();
    }

    @Test
    void tcpSummaryWithFailuresAcknowledgesNotAll() {
        TcpSummary summary = TcpSummary.parse("{\"acked\":8,\"rejected\":1,\"failed\":1}").orElseThrow();

        assertThat(summary.acknowledgesAll(10)).isFalse();
        assertThat(summary.rejected()).isEqualTo(1);
        assertThat(summary.failed()).isEqualTo(1);
    }

    @Test
    void tcpSummaryRejectsOtherLines() {
        assertThat(TcpSummary.parse("hello")).isEmpty();
        assertThat(TcpSummary.parse("{\"written\":1}")).isEmpty();
        assertThat(TcpSummary.parse("[1]")).isEmpty();
    }
}
