package io.sluice.gateway.ndjson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Validates one NDJSON line: strict UTF-8, then exactly one JSON object read with Jackson's streaming parser,
 * and reads the optional top-level key field on the way. Thread-safe; one instance serves every event loop.
 *
 * <p>Two rules go beyond JSON's grammar because PostgreSQL's {@code jsonb} would reject the line later, after the
 * client got its success: a line must not start with a UTF-8 byte order mark (the handlers strip one from the
 * first line of a body or stream, see {@link #stripByteOrderMark}), and a {@code \}{@code uXXXX} escape of a
 * UTF-16 surrogate must be part of a pair. A {@code \}{@code u0000} escape stays accepted: it is valid JSON and
 * Unicode, and the writer stores such a row in the dead-letter table.
 */
public final class LineValidator {

    private static final int BOM_BYTES = 3;

    private final JsonFactory jsonFactory = JsonFactory.builder().build();
    private final String keyField;

    /** Creates a validator; {@code keyField} names the top-level field used as the record key, or is null. */
    public LineValidator(String keyField) {
        this.keyField = keyField;
    }

    /** Returns true when the line holds only spaces, tabs or carriage returns; such lines are skipped. */
    public static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns {@code line} without a leading UTF-8 byte order mark (EF BB BF). Editors and tools on Windows often
     * write one at the start of a file, so the handlers call this for the first line of an HTTP body or TCP stream.
     */
    public static byte[] stripByteOrderMark(byte[] line) {
        return startsWithByteOrderMark(line) ? Arrays.copyOfRange(line, BOM_BYTES, line.length) : line;
    }

    /** Validates {@code line} (without its newline) and extracts the key. */
    public LineVerdict validate(byte[] line) {
        int invalidAt = Utf8Validator.firstInvalidOffset(line);
        if (invalidAt >= 0) {
            String detail = String.format("invalid UTF-8 byte 0x%02X at byte offset %d",
                    line[invalidAt] & 0xFF, invalidAt);
            return LineVerdict.rejected(RejectReason.INVALID_UTF8, detail);
        }
        if (startsWithByteOrderMark(line)) {
            // Jackson would skip it, but PostgreSQL rejects the value; only a body's first line may have one.
            return LineVerdict.rejected(RejectReason.MALFORMED_JSON, "line starts with a UTF-8 byte order mark;"
                    + " only the first line of a body or TCP stream may start with one");
        }
        LineVerdict verdict = parse(line);
        int surrogateAt = verdict.isAccepted() ? JsonEscapes.firstLoneSurrogate(line) : -1;
        if (surrogateAt >= 0) {
            return LineVerdict.rejected(RejectReason.INVALID_UTF8, "unpaired surrogate escape "
                    + new String(line, surrogateAt, 6, StandardCharsets.US_ASCII) + " at byte offset " + surrogateAt
                    + "; it encodes no Unicode character");
        }
        return verdict;
    }

    private LineVerdict parse(byte[] line) {
        try (JsonParser parser = jsonFactory.createParser(line)) {
            try {
                return parseObject(parser);
            } catch (JsonProcessingException e) {
                return LineVerdict.rejected(RejectReason.MALFORMED_JSON, JsonErrors.describe(e, parser, line));
            }
        } catch (IOException e) {
            // Parsing a byte array does no I/O, so this branch is not expected. Report it instead of hiding it.
            return LineVerdict.rejected(RejectReason.MALFORMED_JSON,
                    JsonErrors.truncate(String.valueOf(e.getMessage())));
        }
    }

    private static boolean startsWithByteOrderMark(byte[] line) {
        return line.length >= BOM_BYTES && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB
                && line[2] == (byte) 0xBF;
    }

    private LineVerdict parseObject(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT) {
            return LineVerdict.rejected(RejectReason.NOT_OBJECT, "expected a JSON object but the line starts with "
                    + describeToken(first));
        }
        String key = readFields(parser);
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            return LineVerdict.rejected(RejectReason.MALFORMED_JSON, "unexpected " + describeToken(trailing)
                    + " after the JSON object at column " + parser.currentTokenLocation().getColumnNr());
        }
        return LineVerdict.accepted(key);
    }

    /** Reads the top-level object up to its END_OBJECT and returns the key field as text, or null. */
    private String readFields(JsonParser parser) throws IOException {
        String key = null;
        boolean keySeen = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (!keySeen && name.equals(keyField)) {
                keySeen = true;
                key = scalarText(parser, value);
            }
            parser.skipChildren();
        }
        return key;
    }

    private static String scalarText(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT
                || value == JsonToken.VALUE_NUMBER_FLOAT) {
            return parser.getText();
        }
        return null;
    }

    private static String describeToken(JsonToken token) {
        if (token == null) {
            return "end of input";
        }
        switch (token) {
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.asString() == null ? token.name() : "'" + token.asString() + "'";
        }
    }
}
