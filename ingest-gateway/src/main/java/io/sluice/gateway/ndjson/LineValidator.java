package io.sluice.gateway.ndjson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Validates one NDJSON line: strict UTF-8, then exactly one JSON object read with Jackson's streaming parser,
 * and reads the optional top-level key field on the way. Thread-safe; one instance serves every event loop.
 */
public final class LineValidator {

    private static final int MAX_DETAIL_CHARS = 200;

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

    /** Validates {@code line} (without its newline) and extracts the key. */
    public LineVerdict validate(byte[] line) {
        int invalidAt = Utf8Validator.firstInvalidOffset(line);
        if (invalidAt >= 0) {
            String detail = String.format("invalid UTF-8 byte 0x%02X at byte offset %d",
                    line[invalidAt] & 0xFF, invalidAt);
            return LineVerdict.rejected(RejectReason.INVALID_UTF8, detail);
        }
        try (JsonParser parser = jsonFactory.createParser(line)) {
            return parseObject(parser);
        } catch (JsonProcessingException e) {
            return LineVerdict.rejected(RejectReason.MALFORMED_JSON, describe(e));
        } catch (IOException e) {
            // Parsing a byte array does no I/O, so this branch is not expected. Report it instead of hiding it.
            return LineVerdict.rejected(RejectReason.MALFORMED_JSON, truncate(String.valueOf(e.getMessage())));
        }
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

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (e.getLocation() != null) {
            message = message + " at column " + e.getLocation().getColumnNr();
        }
        return truncate(message);
    }

    private static String truncate(String text) {
        return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "...";
    }
}
