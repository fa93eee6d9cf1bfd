package io.sluice.gateway.ndjson;

/**
 * Finds {@code \}{@code uXXXX} escapes of UTF-16 surrogates that do not form a pair. JSON's grammar allows them
 * (RFC 8259, section 8.2), but they encode no Unicode character: PostgreSQL's {@code jsonb} rejects them and
 * Java replaces them when decoding. Run only on lines Jackson accepted, so every backslash starts an escape
 * inside a string.
 */
final class JsonEscapes {

    private static final int ESCAPE_BYTES = 6;

    private JsonEscapes() {
    }

    /** Returns the byte offset of the first unpaired surrogate escape in {@code line}, or -1 when there is none. */
    static int firstLoneSurrogate(byte[] line) {
        int i = 0;
        while (i < line.length) {
            if (line[i] != '\\') {
                i++;
                continue;
            }
            int unit = escapedUnit(line, i);
            if (unit < 0 || !Character.isSurrogate((char) unit)) {
                // Other escapes (\n, \", \\ and the rest) are two bytes; \\u of a non-surrogate is six.
                i += unit < 0 ? 2 : ESCAPE_BYTES;
            } else if (Character.isHighSurrogate((char) unit)
                    && Character.isLowSurrogate((char) Math.max(0, escapedUnit(line, i + ESCAPE_BYTES)))) {
                i += 2 * ESCAPE_BYTES;
            } else {
                return i;
            }
        }
        return -1;
    }

    /** Returns the code unit of a {@code \}{@code uXXXX} escape at {@code start}, or -1 when there is none. */
    private static int escapedUnit(byte[] line, int start) {
        if (start + ESCAPE_BYTES > line.length || line[start] != '\\' || line[start + 1] != 'u') {
            return -1;
        }
        int unit = 0;
        for (int k = start + 2; k < start + ESCAPE_BYTES; k++) {
            int digit = Character.digit(line[k], 16);
            if (digit < 0) {
                return -1;
            }
            unit = unit * 16 + digit;
        }
        return unit;
    }
}
