package io.sluice.cli.demo;

import java.nio.file.Path;

/**
 * Figures measured by one demo run.
 *
 * @param sent                  events the load generator wrote to its sockets
 * @param acknowledged          events the gateway confirmed to the load generator, tracked by id
 * @param audit                 the by-id check against PostgreSQL
 * @param drained               whether the writer caught up within the drain timeout
 * @param gatewayReadPauses     times the gateway paused socket reads
 * @param writerPartitionPauses times the writer paused its partitions
 * @param peakHeapBytes         highest heap use sampled in this JVM
 * @param report                the HTML report
 */
public record DemoOutcome(long sent, long acknowledged, IdAudit audit, boolean drained, long gatewayReadPauses,
                          long writerPartitionPauses, long peakHeapBytes, Path report) {

    /** Returns 0 when no acknowledged event is missing or duplicated, 1 otherwise. */
    public int exitCode() {
        return audit.lost() == 0 && audit.duplicated() == 0 ? 0 : 1;
    }
}
