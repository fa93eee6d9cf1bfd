package io.sluice.writer.config;

import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/**
 * The consumer settings that the exactly-once protocol depends on. The writer always sets them, and a pass-through
 * value under {@code kafka.consumer.} or {@code kafka.common.} that differs is rejected at start instead of being
 * silently replaced.
 */
public final class ExactlyOnceSettings {
    private static final String ASSIGNOR = CooperativeStickyAssignor.class.getName();
    private static final List<String> PREFIXES =
            List.of(ConfigDef.KAFKA_CONSUMER_PREFIX, ConfigDef.KAFKA_COMMON_PREFIX);

    private ExactlyOnceSettings() {
    }

    /** Returns the consumer settings the writer forces, with the group id of {@code writer.group.id}. */
    public static Map<String, Object> forced(String groupId) {
        Map<String, Object> forced = new LinkedHashMap<>();
        forced.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        forced.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        forced.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        forced.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, ASSIGNOR);
        return forced;
    }

    /**
     * Rejects pass-through consumer settings that differ from {@link #forced}. A value equal to the forced one is
     * accepted.
     *
     * @throws ConfigException naming every conflicting key, its value, its source and why the writer needs its value
     */
    static void rejectConflicts(Settings settings) {
        Map<String, Object> forced = forced(settings.get(WriterConfig.GROUP_ID));
        List<String> conflicts = new ArrayList<>();
        for (Settings.Entry entry : settings.entries()) {
            String clientKey = clientKey(entry.key());
            if (clientKey != null && forced.containsKey(clientKey)
                    && !matches(clientKey, entry.value(), forced.get(clientKey))) {
                conflicts.add(describeConflict(entry, clientKey, forced.get(clientKey)));
            }
        }
        if (!conflicts.isEmpty()) {
            throw new ConfigException(String.join("; ", conflicts));
        }
    }

    /** Returns the consumer setting a pass-through key sets, or null for other keys. */
    private static String clientKey(String key) {
        for (String prefix : PREFIXES) {
            if (key.startsWith(prefix)) {
                return key.substring(prefix.length());
            }
        }
        return null;
    }

    private static boolean matches(String clientKey, String value, Object forcedValue) {
        String trimmed = value.trim();
        if (clientKey.equals(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
            return Arrays.stream(trimmed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
                    .equals(List.of(ASSIGNOR));
        }
        if (clientKey.equals(ConsumerConfig.GROUP_ID_CONFIG)) {
            return trimmed.equals(forcedValue);
        }
        return trimmed.toLowerCase(Locale.ROOT).equals(String.valueOf(forcedValue));
    }

    private static String describeConflict(Settings.Entry entry, String clientKey, Object forcedValue) {
        String prefix = entry.key() + "=" + entry.value() + " (from " + entry.source() + ") is not allowed: ";
        if (clientKey.equals(ConsumerConfig.GROUP_ID_CONFIG)) {
            return prefix + "the exactly-once protocol needs every writer of a deployment in the group named by "
                    + WriterConfig.GROUP_ID.name() + ". Remove it and set " + WriterConfig.GROUP_ID.name() + "="
                    + entry.value().trim() + " instead";
        }
        return prefix + "the exactly-once protocol depends on " + clientKey + "=" + forcedValue + " because "
                + reason(clientKey) + ". Remove it; the writer sets " + clientKey + "=" + forcedValue + " itself";
    }

    private static String reason(String clientKey) {
        return switch (clientKey) {
            case ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG -> "offsets are stored in PostgreSQL with the rows and "
                    + "committed to Kafka only after the database commit";
            case ConsumerConfig.ISOLATION_LEVEL_CONFIG -> "records of aborted Kafka transactions must never "
                    + "become rows";
            default -> "the rebalance handling that seeks each assigned partition to its stored offset is built "
                    + "for cooperative rebalancing, which revokes only the partitions that change owner";
        };
    }
}
