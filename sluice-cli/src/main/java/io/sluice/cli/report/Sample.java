package io.sluice.cli.report;

/**
 * One row of the demo's time series, taken once per second.
 *
 * @param elapsedSeconds        seconds since the flood started
 * @param sentTotal             events the load generator wrote to its sockets
 * @param acknowledgedTotal     events Kafka acknowledged to the gateway
 * @param writtenTotal          rows the writer committed to PostgreSQL
 * @param sentPerSecond         sent events in the last interval, per second
 * @param acknowledgedPerSecond acknowledged events in the last interval, per second
 * @param writtenPerSecond      written rows in the last interval, per second
 * @param lagRecords            writer lag summed over partitions (log end offset minus stored next offset)
 * @param gatewayReadPauses     times the gateway paused socket reads so far
 * @param writerPartitionPauses times the writer paused its partitions so far
 * @param heapUsedBytes         heap in use in this JVM
 */
public record Sample(double elapsedSeconds, long sentTotal, long acknowledgedTotal, long writtenTotal,
                     double sentPerSecond, double acknowledgedPerSecond, double writtenPerSecond, long lagRecords,
                     long gatewayReadPauses, long writerPartitionPauses, long heapUsedBytes) {
}
