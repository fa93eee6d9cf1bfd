package io.sluice.gateway.ndjson;

import java.nio.charset.StandardCharsets;

/**
 * Outcome of validating one line: accepted with an optional record key, or rejected with a reason and a detail
 * meant for the client.
 */
public final class LineVerdict {

    private final RejectReason reason;
    private final String detail;
    private final byte[] key;

    private LineVerdict(RejectReason reason, String detail, byte[] key) {
        this.reason = reason;
        this.detail = detail;
        this.key = key;
    }

    static LineVerdict accepted(String keyText) {
        return new LineVerdict(null, null, keyText == null ? null : keyText.getBytes(StandardCharsets.UTF_8));
    }

    public static LineVerdict rejected(RejectReason reason, String detail) {
        return new LineVerdict(reason, detail, null);
    }

    public boolean isAccepted() {
        return reason == null;
    }

    /** Reject reason, or null when the line was accepted. */
    public RejectReason reason() {
        return reason;
    }

    /** Human-readable cause of the rejection, or null when the line was accepted. */
    public String detail() {
        return detail;
    }

    /** UTF-8 bytes of the record key, or null when the key field is not configured, missing or not a scalar. */
    public byte[] key() {
        return key;
    }
}
