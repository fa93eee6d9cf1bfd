package io.sluice.gateway.ndjson;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.nio.charset.StandardCharsets;

/**
 * Turns Jackson parse errors into details for clients. Jackson's own messages name its classes and parser
 * features (such as {@code JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS}), which mean nothing to a sender. The common
 * cases are recognised by exception type, parser depth or the bytes at the error location.
 */
final class JsonErrors {

    private static final int MAX_DETAIL_CHARS = 200;
    private static final byte[] NAN = "NaN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFINITY = "Infinity".getBytes(StandardCharsets.US_ASCII);

    private JsonErrors() {
    }

    /** Describes {@code error}, raised by {@code parser} while it read {@code line}. */
    static String describe(JsonProcessingException error, JsonParser parser, byte[] line) {
        if (error instanceof StreamConstraintsException) {
            return describeConstraint(parser);
        }
        JsonLocation location = error.getLocation();
        String column = location == null ? "" : " at column " + location.getColumnNr();
        int offset = location == null ? -1 : (int) location.getByteOffset();
        if (endsWith(line, offset, NAN) || endsWith(line, offset, INFINITY)) {
            return "NaN and Infinity are not valid JSON numbers" + column;
        }
        if (offset >= 0 && offset < line.length && line[offset] == '/') {
            return "unexpected '/'" + column + "; JSON has no comments";
        }
        return truncate(error.getOriginalMessage() + column);
    }

    /** Cuts {@code text} to the length a response lists for one line. */
    static String truncate(String text) {
        return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "...";
    }

    private static String describeConstraint(JsonParser parser) {
        StreamReadConstraints limits = parser.streamReadConstraints();
        if (parser.getParsingContext().getNestingDepth() > limits.getMaxNestingDepth()) {
            return "JSON nested deeper than " + limits.getMaxNestingDepth() + " levels";
        }
        return "JSON value above the parser's limits: numbers up to " + limits.getMaxNumberLength()
                + " digits, strings up to " + limits.getMaxStringLength() + " characters, field names up to "
                + limits.getMaxNameLength() + " characters";
    }

    /** True when the bytes just before {@code end} are {@code word}, as Jackson reports a non-standard token. */
    private static boolean endsWith(byte[] line, int end, byte[] word) {
        int start = end - word.length;
        if (start < 0 || end > line.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (line[start + i] != word[i]) {
                return false;
            }
        }
        return true;
    }
}
