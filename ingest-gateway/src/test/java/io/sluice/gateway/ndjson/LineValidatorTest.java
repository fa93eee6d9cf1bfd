package io.sluice.gateway.ndjson;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LineValidatorTest {

    private final LineValidator validator = new LineValidator("id");

    @Test
    void objectAccepted() {
        LineVerdict verdict = validator.validate(utf8("{\"a\":1,\"b\":[1,2,{\"c\":null}]}"));

        assertThat(verdict.isAccepted()).isTrue();
        assertThat(verdict.reason()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "true", "null"})
    void nonObjectRejected(String line) {
        LineVerdict verdict = validator.validate(utf8(line));

        assertThat(verdict.reason()).isEqualTo(RejectReason.NOT_OBJECT);
        assertThat(verdict.detail()).startsWith("expected a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1} x", "{\"a\":1}{\"b\":2}", "{\"a\":", "{\"a\" 1}", "{'a':1}", "{\"a\":1,}"})
    void malformedRejected(String line) {
        LineVerdict verdict = validator.validate(utf8(line));

        assertThat(verdict.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(verdict.detail()).isNotBlank();
    }

    @Test
    void invalidUtf8DetectedBeforeJackson() {
        byte[] line = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

        LineVerdict verdict = validator.validate(line);

        assertThat(verdict.reason()).isEqualTo(RejectReason.INVALID_UTF8);
        assertThat(verdict.detail()).contains("0xC3").contains("offset 6");
    }

    @Test
    void overlongAndSurrogateUtf8Rejected() {
        byte[] overlong = {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', ':', '1', '}'};
        byte[] surrogate = {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ':', '1', '}'};
        byte[] truncated = {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82};

        assertThat(validator.validate(overlong).reason()).isEqualTo(RejectReason.INVALID_UTF8);
        assertThat(validator.validate(surrogate).reason()).isEqualTo(RejectReason.INVALID_UTF8);
        assertThat(validator.validate(truncated).reason()).isEqualTo(RejectReason.INVALID_UTF8);
    }

    @Test
    void multiByteUtf8Accepted() {
        LineVerdict verdict = validator.validate(utf8("{\"name\":\"Zoë €uro 😀\"}"));

        assertThat(verdict.isAccepted()).isTrue();
    }

    @Test
    void stringKeyExtracted() {
        LineVerdict verdict = validator.validate(utf8("{\"x\":{\"id\":\"inner\"},\"id\":\"order-7\"}"));

        assertThat(new String(verdict.key(), StandardCharsets.UTF_8)).isEqualTo("order-7");
    }

    @Test
    void numberKeyExtractedAsText() {
        assertThat(new String(validator.validate(utf8("{\"id\":12345}")).key(), StandardCharsets.UTF_8))
                .isEqualTo("12345");
        assertThat(new String(validator.validate(utf8("{\"id\":1.5e3}")).key(), StandardCharsets.UTF_8))
                .isEqualTo("1.5e3");
    }

    @Test
    void missingOrNonScalarKeyIsNull() {
        assertThat(validator.validate(utf8("{\"other\":1}")).key()).isNull();
        assertThat(validator.validate(utf8("{\"id\":{\"a\":1}}")).key()).isNull();
        assertThat(validator.validate(utf8("{\"id\":null}")).key()).isNull();
        assertThat(new LineValidator(null).validate(utf8("{\"id\":1}")).key()).isNull();
    }

    @Test
    void blankLineDetection() {
        assertThat(LineValidator.isBlank(utf8(""))).isTrue();
        assertThat(LineValidator.isBlank(utf8(" \t\r"))).isTrue();
        assertThat(LineValidator.isBlank(utf8(" {}"))).isFalse();
    }

    @Test
    void nestingDepthDetailIsPlain() {
        LineVerdict verdict = validator.validate(utf8("{\"a\":" + "[".repeat(1001) + "]".repeat(1001) + "}"));

        assertThat(verdict.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(verdict.detail()).startsWith("JSON nested deeper than 1000 levels")
                .doesNotContain("StreamReadConstraints");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":NaN}", "{\"a\":-Infinity}", "{\"a\":[1,Infinity]}"})
    void nonNumericNumberDetailIsPlain(String line) {
        LineVerdict verdict = validator.validate(utf8(line));

        assertThat(verdict.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(verdict.detail()).startsWith("NaN and Infinity are not valid JSON numbers")
                .contains("column").doesNotContain("JsonReadFeature");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":\"\\ud800\"}", "{\"a\":\"x\\uDFFF\"}", "{\"a\":[\"\\ud83d\"]}",
            "{\"a\":\"\\ud83d\\u0041\"}"})
    void loneSurrogateEscapeRejected(String line) {
        LineVerdict verdict = validator.validate(utf8(line));

        assertThat(verdict.reason()).isEqualTo(RejectReason.INVALID_UTF8);
        assertThat(verdict.detail()).contains("surrogate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\\\ud800\"}", "{\"a\":\"a\\u0000b\"}"})
    void validEscapesAccepted(String line) {
        assertThat(validator.validate(utf8(line)).isAccepted()).as(line).isTrue();
    }

    @Test
    void byteOrderMarkInsideStreamRejected() {
        byte[] line = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};

        LineVerdict verdict = validator.validate(line);

        assertThat(verdict.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(verdict.detail()).contains("byte order mark");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
