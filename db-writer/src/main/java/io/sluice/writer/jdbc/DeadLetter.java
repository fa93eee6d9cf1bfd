package io.sluice.writer.jdbc;

import io.sluice.writer.queue.WriterRecord;

/**
 * A record PostgreSQL rejected, with the reason.
 *
 * @param sqlState the SQLState of the rejection, or null when the writer rejected the record before sending it
 */
public record DeadLetter(WriterRecord record, String reason, String sqlState) {
}
