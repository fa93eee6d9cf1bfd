package io.sluice.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Effective configuration, loaded once and immutable afterwards.
 *
 * <p>Precedence, lowest first: key defaults, the properties file, environment variables ({@code SLUICE_} plus the
 * key upper-cased with {@code .} replaced by {@code _}), then overrides (CLI flags, tests). A key that matches no
 * declared key and no pass-through prefix is rejected, as is a value that fails its key's rules. The
 * {@link ConfigException} lists every problem with the key, the value, its source and the rule.
 *
 * <p>One exception lets two services share a shell environment or a properties file: a file key or environment
 * variable whose first segment (such as {@code writer}) no declared key uses, and that is not close to a known key,
 * is ignored and logged at info.
 */
public final class Settings {

    /** Replaces secret values in {@link #describe()} and in error messages. */
    public static final String MASK = "******";

    static final String SOURCE_DEFAULT = "default";
    static final String SOURCE_OVERRIDE = "override";

    private static final List<String> SECRET_WORDS = List.of("password", "secret", "jaas");

    private final ConfigDef def;
    /** Parsed values of declared keys by name; a missing entry means an optional key without a value. */
    private final Map<String, Object> values;
    /** Raw values of undeclared pass-through keys by full name, sorted. */
    private final Map<String, String> passThroughValues;
    private final Map<String, String> sources;

    private Settings(ConfigDef def, Map<String, Object> values, Map<String, String> passThroughValues,
                     Map<String, String> sources) {
        this.def = def;
        this.values = Collections.unmodifiableMap(values);
        this.passThroughValues = Collections.unmodifiableMap(passThroughValues);
        this.sources = Collections.unmodifiableMap(sources);
    }

    /**
     * Loads settings for {@code def}.
     *
     * @param fileOrNull a {@link Properties} file, or {@code null} for none
     * @param env        environment variables, usually {@code System.getenv()}; only names starting with
     *                   {@code SLUICE_} are read
     * @param overrides  key-value pairs with the highest precedence, such as CLI flags
     * @throws ConfigException if the file cannot be read, or a key is unknown, invalid or required but missing
     */
    public static Settings load(ConfigDef def, Path fileOrNull, Map<String, String> env,
                                Map<String, String> overrides) {
        SettingsLoader loader = new SettingsLoader(def);
        if (fileOrNull != null) {
            loader.addAll(readProperties(fileOrNull), fileOrNull.toString());
        }
        loader.addEnvironment(env == null ? Map.of() : env);
        loader.addAll(overrides == null ? Map.of() : overrides, SOURCE_OVERRIDE);
        return loader.build();
    }

    /** Loads defaults plus {@code overrides} only, ignoring files and the environment. Meant for tests. */
    public static Settings of(ConfigDef def, Map<String, String> overrides) {
        return load(def, null, Map.of(), overrides);
    }

    static Settings create(ConfigDef def, Map<String, Object> values, Map<String, String> passThroughValues,
                           Map<String, String> sources) {
        return new Settings(def, values, passThroughValues, sources);
    }

    /**
     * Returns the effective value of {@code key}, or {@code null} for an optional key without a value.
     *
     * @throws IllegalArgumentException if {@code key} is not declared in this definition
     */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        requireDeclared(key);
        return (T) values.get(key.name());
    }

    /** Returns the value of {@code key}, or empty for an optional key without a value. */
    public <T> Optional<T> find(ConfigKey<T> key) {
        return Optional.ofNullable(get(key));
    }

    /** Returns the source of the value of {@code keyName}: default, a file path, an environment variable, override. */
    public String source(String keyName) {
        return sources.get(keyName);
    }

    public ConfigDef def() {
        return def;
    }

    /**
     * Returns the settings under {@code prefix} with the prefix removed, for a Kafka client.
     *
     * <p>For a prefix starting with {@code kafka.} the map also contains {@code bootstrap.servers} from
     * {@code kafka.bootstrap.servers} and every {@code kafka.common.} entry; the specific prefix wins over both.
     */
    public Map<String, Object> passThrough(String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (prefix.startsWith("kafka.")) {
            String bootstrap = bootstrapServers();
            if (bootstrap != null) {
                out.put("bootstrap.servers", bootstrap);
            }
            putStripped(out, ConfigDef.KAFKA_COMMON_PREFIX);
        }
        putStripped(out, prefix);
        return out;
    }

    /**
     * Returns the config map of the Kafka client that keys under {@code prefix} configure: {@code defaults}, then
     * {@link #passThrough(String)}, then {@code forced}, checked with the client's own parser. Call it before the
     * client is built, so that a bad value stops the service before any connection is attempted.
     *
     * @param prefix   {@link ConfigDef#KAFKA_PRODUCER_PREFIX}, {@link ConfigDef#KAFKA_CONSUMER_PREFIX} or
     *                 {@link ConfigDef#KAFKA_ADMIN_PREFIX}
     * @param defaults values the service uses unless a setting overrides them
     * @param forced   values the service always uses, replacing any setting of the same name
     * @throws ConfigException naming each rejected value with its key and source, or Kafka's message about a
     *                         rejected combination and the settings it names
     */
    public Map<String, Object> kafkaClientConfig(String prefix, Map<String, ?> defaults, Map<String, ?> forced) {
        Map<String, Object> config = new LinkedHashMap<>(defaults);
        config.putAll(passThrough(prefix));
        config.putAll(forced);
        validateKafkaClientConfig(prefix, config);
        return config;
    }

    /**
     * Checks a Kafka client config map that a service built from {@link #passThrough(String)} with the client's own
     * parser, as {@link #kafkaClientConfig} does. A value that came from a setting is reported with its key and
     * source; any other value is reported as set by the service. Missing serializers and deserializers are assumed
     * to be byte-array ones, so a service that passes instances to the client constructor can leave them out.
     *
     * @throws ConfigException when the client rejects a value or the combination of values
     * @throws IllegalArgumentException when {@code prefix} is not one of the three Kafka client prefixes
     */
    public void validateKafkaClientConfig(String prefix, Map<String, ?> clientConfig) {
        KafkaClientType client = KafkaClientType.forPrefix(prefix);
        if (client == null) {
            throw new IllegalArgumentException("prefix '" + prefix + "' configures no Kafka client: use "
                    + ConfigDef.KAFKA_PRODUCER_PREFIX + ", " + ConfigDef.KAFKA_CONSUMER_PREFIX + " or "
                    + ConfigDef.KAFKA_ADMIN_PREFIX);
        }
        KafkaPassThrough.checkClientConfig(client, clientConfig,
                (name, secret) -> describeClientSetting(prefix, name, clientConfig.get(name), secret));
    }

    /** Describes every effective value with its source, one per line, secrets masked as {@value #MASK}. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Entry entry : entries()) {
            out.append(entry.key()).append('=').append(entry.value())
                    .append(" (").append(entry.source()).append(")\n");
        }
        return out.toString();
    }

    /** One effective value for display: secrets masked, unset optional keys shown as {@code (not set)}. */
    public record Entry(String key, String value, String source) {
    }

    /** Returns every effective value, declared keys in declaration order, then pass-through keys sorted by name. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (ConfigKey<?> key : def.keys()) {
            out.add(new Entry(key.name(), displayValue(key), sources.get(key.name())));
        }
        passThroughValues.forEach((name, raw) ->
                out.add(new Entry(name, isSecretName(name) ? MASK : raw, sources.get(name))));
        return out;
    }

    /** True for pass-through keys whose value must never be shown: names containing password, secret or jaas. */
    static boolean isSecretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains);
    }

    private <T> String displayValue(ConfigKey<T> key) {
        @SuppressWarnings("unchecked")
        T value = (T) values.get(key.name());
        if (value == null) {
            return "(not set)";
        }
        return key.isSecret() ? MASK : key.format(value);
    }

    /**
     * Describes one value of a client config map: as {@code key=value from source} when the effective setting that
     * {@link #passThrough(String)} maps to this name has this value, else as a value the service set itself.
     */
    private String describeClientSetting(String prefix, String name, Object value, boolean secret) {
        String text = String.valueOf(value).trim();
        String displayed = secret ? MASK : text;
        String key = settingKeyFor(prefix, name);
        String configured = key == null ? null : settingText(key);
        if (text.equals(configured)) {
            return key + "=" + displayed + " from " + sources.get(key);
        }
        return name + "=" + displayed + " (set by the service, not by a config key)";
    }

    /** Returns the key whose value {@link #passThrough(String)} puts under {@code name}, or {@code null}. */
    private String settingKeyFor(String prefix, String name) {
        if (passThroughValues.containsKey(prefix + name)) {
            return prefix + name;
        }
        if (passThroughValues.containsKey(ConfigDef.KAFKA_COMMON_PREFIX + name)) {
            return ConfigDef.KAFKA_COMMON_PREFIX + name;
        }
        if (name.equals("bootstrap.servers") && bootstrapServers() != null) {
            return ConfigDef.KAFKA_BOOTSTRAP_SERVERS;
        }
        return null;
    }

    private String settingText(String key) {
        return key.equals(ConfigDef.KAFKA_BOOTSTRAP_SERVERS) ? bootstrapServers() : passThroughValues.get(key);
    }

    private String bootstrapServers() {
        ConfigKey<?> declared = def.key(ConfigDef.KAFKA_BOOTSTRAP_SERVERS);
        if (declared == null) {
            return passThroughValues.get(ConfigDef.KAFKA_BOOTSTRAP_SERVERS);
        }
        Object value = values.get(declared.name());
        if (value == null) {
            return null;
        }
        return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : value.toString();
    }

    private void putStripped(Map<String, Object> out, String prefix) {
        passThroughValues.forEach((name, raw) -> {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                out.put(name.substring(prefix.length()), raw);
            }
        });
    }

    private void requireDeclared(ConfigKey<?> key) {
        if (def.key(key.name()) == null) {
            throw new IllegalArgumentException("config key " + key.name()
                    + " is not declared in this ConfigDef: add it to the definition passed to Settings.load");
        }
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " not found: check the --config path", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("failed to read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> out.put(name, properties.getProperty(name)));
        return new TreeMap<>(out);
    }
}
