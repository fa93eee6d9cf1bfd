package io.sluice.it.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PromqlOperandsTest {

    @Test
    void expressionWithoutComparisonIsKept() {
        assertThat(PromqlOperands.of("rate(a_total[5m])")).containsExactly("rate(a_total[5m])");
    }

    @Test
    void comparisonKeepsLeftSide() {
        assertThat(PromqlOperands.of("sum by (topic) (increase(a_total[10m])) > 0"))
                .containsExactly("sum by (topic) (increase(a_total[10m]))");
    }

    @Test
    void setOperatorsSplitWithModifiers() {
        String condition = "(paused == 1 or rate(paused_seconds_total[10m]) > 0.9)"
                + " and on (instance) sum by (instance) (lag_records) > 0";

        assertThat(PromqlOperands.of(condition))
                .containsExactly("paused", "rate(paused_seconds_total[10m])", "sum by (instance) (lag_records)");
    }

    @Test
    void labelMatchersAreNotSplit() {
        String condition = "up{job=~\"gateway|writer\",note!=\"a > b and c\"} == 0";

        assertThat(PromqlOperands.of(condition)).containsExactly("up{job=~\"gateway|writer\",note!=\"a > b and c\"}");
    }

    @Test
    void absentIsUnwrapped() {
        assertThat(PromqlOperands.of("absent(up{job=\"db-writer\"})")).containsExactly("up{job=\"db-writer\"}");
    }

    @Test
    void identifiersContainingOperatorWordsAreKept() {
        assertThat(PromqlOperands.of("orders_total unless ignoring (le) android_total"))
                .containsExactly("orders_total", "android_total");
    }

    @Test
    void unlessAndIgnoringAreCaseInsensitive() {
        assertThat(PromqlOperands.of("a > 1 UNLESS IGNORING(x) b < 2")).containsExactly("a", "b");
    }
}
