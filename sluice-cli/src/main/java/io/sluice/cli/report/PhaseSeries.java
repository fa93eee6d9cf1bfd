package io.sluice.cli.report;

import java.util.List;

/** The samples of one measured benchmark phase, such as the gateway over TCP; {@code unit} is for example events/s. */
public record PhaseSeries(String phase, String unit, List<PhaseSample> samples) {

    public PhaseSeries {
        samples = List.copyOf(samples);
    }
}
