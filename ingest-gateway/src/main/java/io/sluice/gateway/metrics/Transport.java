package io.sluice.gateway.metrics;

/** Ingest listener a meter belongs to; the label is the {@code transport} tag value. */
public enum Transport {
    HTTP("http"),
    TCP("tcp");

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
