package io.sluice.cli.bench;

/** One consumed Kafka record, as the writer would store it. */
record BenchRow(String topic, int partition, long offset, String key, String payload, long timestampMs) {
}
