package io.sluice.cli.bench;

import io.sluice.cli.report.ComparisonBar;

/** One measured figure beside its ceiling. */
record BenchFigure(String name, double measured, String ceilingName, double ceiling, String unit) {

    double ratio() {
        return ceiling > 0 ? measured / ceiling : Double.NaN;
    }

    ComparisonBar bar() {
        return new ComparisonBar(name, measured, ceilingName, ceiling, unit);
    }
}
