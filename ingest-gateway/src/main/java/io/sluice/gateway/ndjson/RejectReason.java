package io.sluice.gateway.ndjson;

/** Reason the gateway rejected one NDJSON line; the label is the {@code reason} tag and the JSON response value. */
public enum RejectReason {
    MALFORMED_JSON("malformed_json"),
    NOT_OBJECT("not_object"),
    TOO_LONG("too_long"),
    INVALID_UTF8("invalid_utf8");

    private final String label;

    RejectReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
