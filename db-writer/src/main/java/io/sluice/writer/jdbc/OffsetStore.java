package io.sluice.writer.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/** Reads the next offsets stored in PostgreSQL, the writer's source of truth for where a partition resumes. */
public final class OffsetStore {
    /**
     * Bound on each offset query, in seconds. The poll thread runs these queries inside a rebalance callback, so a
     * locked offsets table must not stall it past {@code max.poll.interval.ms}.
     */
    private static final int QUERY_TIMEOUT_SECONDS = 5;

    private final DataSource dataSource;
    private final String selectSql;

    public OffsetStore(DataSource dataSource, WriterTables tables) {
        this.dataSource = dataSource;
        this.selectSql = "SELECT next_offset FROM " + tables.offsets().quoted()
                + " WHERE topic = ? AND kafka_partition = ?";
    }

    /** Returns the stored next offset of each partition that has one. Partitions without a row are left out. */
    public Map<TopicPartition, Long> load(Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (partitions.isEmpty()) {
            return offsets;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(selectSql)) {
            select.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            for (TopicPartition partition : partitions) {
                select.setString(1, partition.topic());
                select.setInt(2, partition.partition());
                try (ResultSet resultSet = select.executeQuery()) {
                    if (resultSet.next()) {
                        offsets.put(partition, resultSet.getLong(1));
                    }
                }
            }
        }
        return offsets;
    }
}
