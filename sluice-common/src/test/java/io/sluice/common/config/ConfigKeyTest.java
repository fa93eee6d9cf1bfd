package io.sluice.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class ConfigKeyTest {

    enum Mode { BATCH, COPY_BINARY }

    @ParameterizedTest
    @CsvSource({"500ms,500", "30s,30000", "5m,300000", "1h,3600000", "2d,172800000", "PT30S,30000", "pt1m,60000",
        "0,0", "' 15s ',15000"})
    void durationParsesUnitsAndIso(String text, long expectedMillis) {
        ConfigKey<Duration> key = ConfigKey.duration("a.timeout", Duration.ZERO, "doc");
        assertThat(key.parse(text)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @ParameterizedTest
    @CsvSource({"30", "30 sec", "-5s", "PTX", "1.5s", "s"})
    void durationRejectsInvalidText(String text) {
        ConfigKey<Duration> key = ConfigKey.duration("a.timeout", Duration.ZERO, "doc");
        assertThatThrownBy(() -> key.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a duration such as 500ms");
    }

    @Test
    void durationFormatRoundTrips() {
        ConfigKey<Duration> key = ConfigKey.duration("a.timeout", Duration.ZERO, "doc");
        for (String text : List.of("250ms", "30s", "5m", "2h", "0s")) {
            assertThat(key.format(key.parse(text))).isEqualTo(text);
        }
    }

    @ParameterizedTest
    @CsvSource({"1048576,1048576", "64KiB,65536", "1MiB,1048576", "1GiB,1073741824", "2mib,2097152", "512B,512"})
    void bytesParsesBinaryUnits(String text, long expected) {
        ConfigKey<Long> key = ConfigKey.bytes("a.size", 0L, "doc");
        assertThat(key.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"1MB", "1.5MiB", "-1", "lots", "99999999999TiB"})
    void bytesRejectsInvalidText(String text) {
        ConfigKey<Long> key = ConfigKey.bytes("a.size", 0L, "doc");
        assertThatThrownBy(() -> key.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("must be");
    }

    @Test
    void bytesFormatUsesLargestUnit() {
        ConfigKey<Long> key = ConfigKey.bytes("a.size", 0L, "doc");
        assertThat(key.format(65536L)).isEqualTo("64KiB");
        assertThat(key.format(32L * 1024 * 1024)).isEqualTo("32MiB");
        assertThat(key.format(1000L)).isEqualTo("1000");
    }

    @Test
    void listSplitsAndTrims() {
        ConfigKey<List<String>> key = ConfigKey.list("a.topics", List.of(), "doc");
        assertThat(key.parse(" events , audit,,")).containsExactly("events", "audit");
        assertThat(key.format(List.of("a", "b"))).isEqualTo("a,b");
    }

    @Test
    void enumMatchesCaseInsensitively() {
        ConfigKey<Mode> key = ConfigKey.enumKey("a.mode", Mode.class, Mode.BATCH, "doc");
        assertThat(key.parse("copy-binary")).isEqualTo(Mode.COPY_BINARY);
        assertThat(key.parse("BATCH")).isEqualTo(Mode.BATCH);
        assertThat(key.format(Mode.COPY_BINARY)).isEqualTo("copy_binary");
        assertThatThrownBy(() -> key.parse("fast")).hasMessage("must be one of batch, copy_binary");
    }

    @Test
    void boolAcceptsOnlyTrueOrFalse() {
        ConfigKey<Boolean> key = ConfigKey.bool("a.flag", false, "doc");
        assertThat(key.parse("TRUE")).isTrue();
        assertThat(key.parse("false")).isFalse();
        assertThatThrownBy(() -> key.parse("yes")).hasMessage("must be true or false");
    }

    @Test
    void rangeDescribesBoundsInKeyFormat() {
        ConfigKey<Integer> port = ConfigKey.integer("a.port", 8080, "doc").range(0, 65535);
        assertThat(port.firstBrokenRule(70000)).isEqualTo("must be between 0 and 65535");
        assertThat(port.firstBrokenRule(65535)).isNull();

        ConfigKey<Duration> linger = ConfigKey.duration("a.linger", Duration.ofMillis(5), "doc")
                .range(Duration.ZERO, Duration.ofSeconds(30));
        assertThat(linger.firstBrokenRule(Duration.ofMinutes(1))).isEqualTo("must be between 0s and 30s");
    }

    @Test
    void validateAddsRuleAndKeepsOriginal() {
        ConfigKey<String> plain = ConfigKey.string("a.name", "x", "doc");
        ConfigKey<String> checked = plain.validate(s -> !s.isBlank(), "must not be blank");
        assertThat(checked.firstBrokenRule(" ")).isEqualTo("must not be blank");
        assertThat(plain.firstBrokenRule(" ")).isNull();
    }

    @Test
    void flagsAndEnvVar() {
        ConfigKey<String> key = ConfigKey.string("writer.jdbc.password", null, "doc").secret().optional();
        assertThat(key.isSecret()).isTrue();
        assertThat(key.isOptional()).isTrue();
        assertThat(key.isRequired()).isFalse();
        assertThat(key.envVar()).isEqualTo("SLUICE_WRITER_JDBC_PASSWORD");
        assertThat(ConfigKey.string("a.b", null, "doc").isRequired()).isTrue();
    }

    @Test
    void nameWithUnderscoreRejected() {
        assertThatThrownBy(() -> ConfigKey.integer("gateway.http_port", 1, "doc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.http_port");
    }

    @ParameterizedTest
    @CsvSource({"abc", "1.5", "''", "12ab"})
    void integerWithoutRangeRejectsText(String text) {
        ConfigKey<Integer> count = ConfigKey.integer("a.count", 1, "doc");
        ConfigKey<Long> total = ConfigKey.longKey("a.total", 1L, "doc");
        assertThatThrownBy(() -> count.parse(text)).hasMessage("must be an integer");
        assertThatThrownBy(() -> total.parse(text)).hasMessage("must be an integer");
    }

    @Test
    void integerOverflowStatesTypeRange() {
        ConfigKey<Integer> count = ConfigKey.integer("a.count", 1, "doc");
        assertThatThrownBy(() -> count.parse("99999999999"))
                .hasMessage("must be between -2147483648 and 2147483647");
    }

    @Test
    void integerWithRangeStatesRange() {
        ConfigKey<Integer> port = ConfigKey.integer("a.port", 8080, "doc").range(0, 65535);
        ConfigKey<Long> rows = ConfigKey.longKey("a.rows", 1L, "doc").atLeast(1L);
        assertThatThrownBy(() -> port.parse("abc")).hasMessage("must be an integer between 0 and 65535");
        assertThatThrownBy(() -> port.parse("99999999999")).hasMessage("must be an integer between 0 and 65535");
        assertThatThrownBy(() -> rows.parse("many")).hasMessage("must be an integer of at least 1");
        assertThat(port.firstBrokenRule(70000)).isEqualTo("must be between 0 and 65535");
        assertThat(rows.firstBrokenRule(0L)).isEqualTo("must be at least 1");
    }
}
