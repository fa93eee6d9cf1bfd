package io.sluice.cli.report;

/** A measured figure beside its ceiling, drawn as two bars on the figure's own scale. */
public record ComparisonBar(String label, double measured, String ceilingLabel, double ceiling, String unit) {

    /** Returns measured divided by ceiling, or NaN when there is no ceiling. */
    public double ratio() {
        return ceiling > 0 ? measured / ceiling : Double.NaN;
    }
}
