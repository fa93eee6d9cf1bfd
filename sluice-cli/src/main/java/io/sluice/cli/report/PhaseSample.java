package io.sluice.cli.report;

/**
 * One sample of a benchmark phase, taken once per second.
 *
 * @param elapsedSeconds seconds since the phase started
 * @param total          events or rows counted so far in the phase
 * @param perSecond      events or rows in the last interval, per second
 * @param heapUsedBytes  heap in use in this JVM
 */
public record PhaseSample(double elapsedSeconds, long total, double perSecond, long heapUsedBytes) {
}
