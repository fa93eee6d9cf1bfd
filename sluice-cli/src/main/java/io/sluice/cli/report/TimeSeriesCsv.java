package io.sluice.cli.report;

import java.util.List;
import java.util.Locale;

/** Renders samples as CSV with a header row, one sample per line, numbers only (no quoting needed). */
public final class TimeSeriesCsv {

    public static final String HEADER = "elapsed_seconds,sent_total,acknowledged_total,written_total,"
            + "sent_per_second,acknowledged_per_second,written_per_second,lag_records,gateway_read_pauses,"
            + "writer_partition_pauses,heap_used_bytes";

    private TimeSeriesCsv() {
    }

    public static String render(List<Sample> samples) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Sample s : samples) {
            csv.append(String.format(Locale.ROOT, "%.3f,%d,%d,%d,%.1f,%.1f,%.1f,%d,%d,%d,%d%n",
                    s.elapsedSeconds(), s.sentTotal(), s.acknowledgedTotal(), s.writtenTotal(), s.sentPerSecond(),
                    s.acknowledgedPerSecond(), s.writtenPerSecond(), s.lagRecords(), s.gatewayReadPauses(),
                    s.writerPartitionPauses(), s.heapUsedBytes()));
        }
        return csv.toString();
    }
}
