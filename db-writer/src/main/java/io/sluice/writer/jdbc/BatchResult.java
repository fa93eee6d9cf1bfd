package io.sluice.writer.jdbc;

import io.sluice.writer.queue.Batch;
import java.util.List;

/** The outcome of one batch transaction. */
public sealed interface BatchResult {

    Batch batch();

    /**
     * The transaction committed: every record is either a row in the events table or a dead letter.
     *
     * @param commitTimeMs the writer's clock right after the commit, in epoch milliseconds
     */
    record Committed(Batch batch, int rowsWritten, List<DeadLetter> deadLetters, long commitTimeMs)
            implements BatchResult {
    }

    /**
     * The stored next offset differs from the batch's first offset, so another writer owns or owned the partition
     * since the batch was read. Nothing was written.
     */
    record Stale(Batch batch, long storedOffset) implements BatchResult {
    }
}
