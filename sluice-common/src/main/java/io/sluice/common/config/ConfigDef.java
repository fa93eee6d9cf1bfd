package io.sluice.common.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ordered, immutable set of declared {@link ConfigKey}s plus the prefixes whose keys pass through undeclared to
 * the Kafka clients. By default the prefixes are {@code kafka.producer.}, {@code kafka.consumer.},
 * {@code kafka.admin.} and {@code kafka.common.}, and {@code kafka.bootstrap.servers} is accepted even when no key
 * declares it.
 */
public final class ConfigDef {

    public static final String KAFKA_PRODUCER_PREFIX = "kafka.producer.";
    public static final String KAFKA_CONSUMER_PREFIX = "kafka.consumer.";
    public static final String KAFKA_ADMIN_PREFIX = "kafka.admin.";
    /** Keys under this prefix go to every Kafka client. */
    public static final String KAFKA_COMMON_PREFIX = "kafka.common.";
    /** Passed to every Kafka client as {@code bootstrap.servers}. */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

    public static final List<String> DEFAULT_PASS_THROUGH_PREFIXES =
            List.of(KAFKA_PRODUCER_PREFIX, KAFKA_CONSUMER_PREFIX, KAFKA_ADMIN_PREFIX, KAFKA_COMMON_PREFIX);

    private static final Map<String, String> PREFIX_DOCS = Map.of(
            KAFKA_PRODUCER_PREFIX, "Passed to the Kafka producer with the prefix removed",
            KAFKA_CONSUMER_PREFIX, "Passed to the Kafka consumer with the prefix removed",
            KAFKA_ADMIN_PREFIX, "Passed to the Kafka admin client with the prefix removed",
            KAFKA_COMMON_PREFIX, "Passed to every Kafka client with the prefix removed");

    private final Map<String, ConfigKey<?>> keys;
    private final List<String> passThroughPrefixes;

    private ConfigDef(Map<String, ConfigKey<?>> keys, List<String> passThroughPrefixes) {
        this.keys = keys;
        this.passThroughPrefixes = List.copyOf(passThroughPrefixes);
    }

    /** Creates a definition of {@code keys} in the given order with the default pass-through prefixes. */
    public static ConfigDef of(ConfigKey<?>... keys) {
        return of(List.of(keys));
    }

    public static ConfigDef of(Collection<? extends ConfigKey<?>> keys) {
        return new ConfigDef(index(List.of(), keys), DEFAULT_PASS_THROUGH_PREFIXES);
    }

    /** Returns a definition with {@code more} keys appended; a name declared twice is an error. */
    public ConfigDef with(ConfigKey<?>... more) {
        return new ConfigDef(index(keys.values(), List.of(more)), passThroughPrefixes);
    }

    /** Returns a definition with the keys of {@code other} appended, for example common keys plus service keys. */
    public ConfigDef merge(ConfigDef other) {
        List<String> prefixes = new ArrayList<>(passThroughPrefixes);
        other.passThroughPrefixes.stream().filter(p -> !prefixes.contains(p)).forEach(prefixes::add);
        return new ConfigDef(index(keys.values(), other.keys.values()), prefixes);
    }

    /** Returns a definition with the given pass-through prefixes in place of the current ones. */
    public ConfigDef withPassThroughPrefixes(String... prefixes) {
        for (String prefix : prefixes) {
            if (!prefix.endsWith(".")) {
                throw new IllegalArgumentException("pass-through prefix '" + prefix + "' must end with '.'");
            }
        }
        return new ConfigDef(keys, List.of(prefixes));
    }

    /** Declared keys in declaration order. */
    public List<ConfigKey<?>> keys() {
        return List.copyOf(keys.values());
    }

    /** Returns the declared key with this name, or {@code null}. */
    public ConfigKey<?> key(String name) {
        return keys.get(name);
    }

    public boolean contains(ConfigKey<?> key) {
        return keys.get(key.name()) == key;
    }

    public List<String> passThroughPrefixes() {
        return passThroughPrefixes;
    }

    /** True when {@code name} is not declared but is accepted as a Kafka client setting. */
    public boolean isPassThrough(String name) {
        if (keys.containsKey(name)) {
            return false;
        }
        if (name.equals(KAFKA_BOOTSTRAP_SERVERS)) {
            return true;
        }
        return passThroughPrefixes.stream().anyMatch(p -> name.startsWith(p) && name.length() > p.length());
    }

    /**
     * Renders a Markdown table with one row per key (key, default, environment variable, doc) followed by one row
     * per pass-through prefix. Secret defaults are masked.
     */
    public String toMarkdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| key | default | environment variable | description |\n");
        out.append("|---|---|---|---|\n");
        for (ConfigKey<?> key : keys.values()) {
            appendRow(out, "`" + key.name() + "`", defaultCell(key), "`" + key.envVar() + "`", key.doc());
        }
        if (!keys.containsKey(KAFKA_BOOTSTRAP_SERVERS)) {
            appendRow(out, "`" + KAFKA_BOOTSTRAP_SERVERS + "`", "", "`" + ConfigKey.envVarFor(KAFKA_BOOTSTRAP_SERVERS)
                    + "`", "Passed to every Kafka client as `bootstrap.servers`");
        }
        for (String prefix : passThroughPrefixes) {
            String doc = PREFIX_DOCS.getOrDefault(prefix, "Passed through with the prefix removed");
            appendRow(out, "`" + prefix + "*`", "", "`" + ConfigKey.envVarFor(prefix) + "*`", doc);
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, String... cells) {
        out.append('|');
        for (String cell : cells) {
            out.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        out.append('\n');
    }

    private static <T> String defaultCell(ConfigKey<T> key) {
        if (key.defaultValue() == null) {
            return key.isOptional() ? "(not set)" : "(required)";
        }
        if (key.isSecret()) {
            return Settings.MASK;
        }
        String text = key.format(key.defaultValue());
        return text.isEmpty() ? "(empty)" : "`" + text + "`";
    }

    private static Map<String, ConfigKey<?>> index(Collection<? extends ConfigKey<?>> first,
                                                   Collection<? extends ConfigKey<?>> second) {
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        for (ConfigKey<?> key : concat(first, second)) {
            Objects.requireNonNull(key, "key");
            ConfigKey<?> previous = byName.putIfAbsent(key.name(), key);
            if (previous != null && previous != key) {
                throw new IllegalArgumentException("config key " + key.name() + " is declared twice");
            }
        }
        return java.util.Collections.unmodifiableMap(byName);
    }

    private static List<ConfigKey<?>> concat(Collection<? extends ConfigKey<?>> first,
                                             Collection<? extends ConfigKey<?>> second) {
        List<ConfigKey<?>> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
