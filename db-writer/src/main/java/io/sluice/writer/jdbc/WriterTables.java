package io.sluice.writer.jdbc;

/** The three tables the writer uses. */
public record WriterTables(TableName events, TableName offsets, TableName deadLetters) {

    public static WriterTables of(String events, String offsets, String deadLetters) {
        return new WriterTables(TableName.parse(events), TableName.parse(offsets), TableName.parse(deadLetters));
    }
}
