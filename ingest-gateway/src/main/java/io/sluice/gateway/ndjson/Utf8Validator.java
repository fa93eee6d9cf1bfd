package io.sluice.gateway.ndjson;

/**
 * Strict UTF-8 check (RFC 3629): rejects overlong forms, surrogates, code points above U+10FFFF and truncated
 * sequences. Runs before Jackson so that such a line is rejected as invalid_utf8 with the offset of the bad byte,
 * not as malformed_json.
 */
final class Utf8Validator {

    private Utf8Validator() {
    }

    /** Returns the offset of the first invalid byte in {@code bytes}, or -1 when the whole array is valid UTF-8. */
    static int firstInvalidOffset(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length = sequenceLength(bytes, i);
            if (length < 0) {
                return i;
            }
            i += length;
        }
        return -1;
    }

    /** Returns the length of the multi-byte sequence starting at {@code start}, or -1 when it is invalid. */
    private static int sequenceLength(byte[] bytes, int start) {
        int lead = bytes[start] & 0xFF;
        int length;
        int min;
        int max;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
            min = 0x80;
            max = 0xBF;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            min = lead == 0xE0 ? 0xA0 : 0x80;
            max = lead == 0xED ? 0x9F : 0xBF;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            min = lead == 0xF0 ? 0x90 : 0x80;
            max = lead == 0xF4 ? 0x8F : 0xBF;
        } else {
            return -1;
        }
        return continuationValid(bytes, start, length, min, max) ? length : -1;
    }

    /** Checks the continuation bytes; the first one has the narrower range that excludes overlongs and surrogates. */
    private static boolean continuationValid(byte[] bytes, int start, int length, int min, int max) {
        if (start + length > bytes.length) {
            return false;
        }
        int second = bytes[start + 1] & 0xFF;
        if (second < min || second > max) {
            return false;
        }
        for (int k = 2; k < length; k++) {
            int next = bytes[start + k] & 0xFF;
            if (next < 0x80 || next > 0xBF) {
                return false;
            }
        }
        return true;
    }
}
