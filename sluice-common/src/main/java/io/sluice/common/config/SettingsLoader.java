package io.sluice.common.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects raw values by precedence, then parses and validates them into {@link Settings}. Used once per load.
 *
 * <p>A file key or environment variable outside every namespace this definition uses (the first segment of a
 * declared key, such as {@code gateway}, and {@code kafka}) belongs to another service, so it is ignored unless it is
 * close to a known key. This lets the gateway and the writer share one shell environment or one properties file.
 * Unknown keys inside an owned namespace, and unknown overrides, are errors.
 */
final class SettingsLoader {

    private static final Logger log = LoggerFactory.getLogger(SettingsLoader.class);

    private record RawValue(String text, String source) {
    }

    private final ConfigDef def;
    private final Map<String, ConfigKey<?>> keysByEnvVar = new HashMap<>();
    private final Map<String, RawValue> raw = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Set<String> ownedNamespaces = new TreeSet<>();
    private final List<String> ignored = new ArrayList<>();

    SettingsLoader(ConfigDef def) {
        this.def = def;
        def.keys().forEach(key -> keysByEnvVar.put(key.envVar(), key));
        def.keys().forEach(key -> ownedNamespaces.add(namespace(key.name())));
        ownedNamespaces.add("kafka");
    }

    /** Adds values from a file or the overrides. Later calls win over earlier ones. */
    void addAll(Map<String, String> entries, String source) {
        new TreeMap<>(entries).forEach((name, text) -> {
            String key = name.trim();
            if (def.key(key) != null || def.isPassThrough(key)) {
                raw.put(key, new RawValue(text, source));
            } else if (!source.equals(Settings.SOURCE_OVERRIDE) && isForeign(key)) {
                ignored.add(key);
            } else {
                problems.add("unknown config key " + key + " from " + source + suggestKey(key));
            }
        });
    }

    /** Adds every {@code SLUICE_} environment variable, mapping it to a declared key or a pass-through key. */
    void addEnvironment(Map<String, String> env) {
        new TreeMap<>(env).forEach((variable, text) -> {
            if (!variable.startsWith(ConfigKey.ENV_PREFIX)) {
                return;
            }
            String key = keyForEnvVar(variable);
            if (key == null && isForeign(dottedName(variable))) {
                ignored.add(variable);
            } else if (key == null) {
                problems.add("unknown environment variable " + variable + ": it matches no config key"
                        + suggestEnvVar(variable));
            } else {
                raw.put(key, new RawValue(text, variable));
            }
        });
    }

    Settings build() {
        Map<String, Object> values = new HashMap<>();
        Map<String, String> sources = new HashMap<>();
        for (ConfigKey<?> key : def.keys()) {
            resolve(key, values, sources);
        }
        Map<String, String> passThrough = new TreeMap<>();
        raw.forEach((name, value) -> {
            if (def.key(name) == null) {
                checkPassThrough(name, value);
                passThrough.put(name, value.text().trim());
                sources.put(name, value.source());
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
        if (!ignored.isEmpty()) {
            log.info("Ignoring settings outside the namespaces {} of this service: {}", ownedNamespaces, ignored);
        }
        return Settings.create(def, values, passThrough, sources);
    }

    private String keyForEnvVar(String variable) {
        ConfigKey<?> declared = keysByEnvVar.get(variable);
        if (declared != null) {
            return declared.name();
        }
        String candidate = dottedName(variable);
        return def.isPassThrough(candidate) ? candidate : null;
    }

    private static String dottedName(String variable) {
        return variable.substring(ConfigKey.ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static String namespace(String dottedKey) {
        int dot = dottedKey.indexOf('.');
        return dot < 0 ? dottedKey : dottedKey.substring(0, dot);
    }

    /** True for a key in a namespace no declared key uses, and not close enough to a known key to be a typo. */
    private boolean isForeign(String dottedKey) {
        if (ownedNamespaces.contains(namespace(dottedKey))) {
            return false;
        }
        return KeySuggestions.closest(dottedKey, candidateNames(dottedKey)) == null;
    }

    private <T> void resolve(ConfigKey<T> key, Map<String, Object> values, Map<String, String> sources) {
        RawValue value = raw.get(key.name());
        if (value == null) {
            resolveDefault(key, values, sources);
            return;
        }
        sources.put(key.name(), value.source());
        T parsed;
        try {
            parsed = key.parse(value.text());
        } catch (IllegalArgumentException e) {
            problems.add(describe(key, value.text(), value.source()) + ": " + e.getMessage());
            return;
        }
        check(key, parsed, value.text(), value.source());
        values.put(key.name(), parsed);
    }

    private <T> void resolveDefault(ConfigKey<T> key, Map<String, Object> values, Map<String, String> sources) {
        sources.put(key.name(), Settings.SOURCE_DEFAULT);
        if (key.isRequired()) {
            problems.add("missing required config key " + key.name() + ": set it in the config file, as "
                    + key.envVar() + " or as an override");
            return;
        }
        if (key.defaultValue() != null) {
            check(key, key.defaultValue(), key.format(key.defaultValue()), Settings.SOURCE_DEFAULT);
            values.put(key.name(), key.defaultValue());
        }
    }

    private <T> void check(ConfigKey<T> key, T parsed, String text, String source) {
        String broken = key.firstBrokenRule(parsed);
        if (broken != null) {
            problems.add(describe(key, text, source) + ": " + broken);
        }
    }

    /** Checks a pass-through key's name, then its value, against the Kafka client it configures. */
    private void checkPassThrough(String name, RawValue value) {
        String problem = KafkaPassThrough.checkName(name, value.source(), def.passThroughPrefixes());
        if (problem == null) {
            problem = KafkaPassThrough.checkValue(name, value.text(), value.source());
        }
        if (problem != null) {
            problems.add(problem);
        }
    }

    private static String describe(ConfigKey<?> key, String text, String source) {
        String displayed = key.isSecret() ? Settings.MASK : text.trim();
        return key.name() + "=" + displayed + " from " + source;
    }

    private String suggestKey(String unknown) {
        String otherClient = otherClientPrefixHint(unknown);
        if (otherClient != null) {
            return otherClient;
        }
        String best = KeySuggestions.closest(unknown, candidateNames(unknown));
        return best == null ? ": it matches no declared key and no pass-through prefix"
                : ": did you mean " + best + "?";
    }

    private String suggestEnvVar(String unknown) {
        String dotted = dottedName(unknown);
        String otherClient = otherClientPrefixHint(dotted);
        if (otherClient != null) {
            return otherClient;
        }
        List<String> known = candidateNames(dotted).stream().map(ConfigKey::envVarFor).toList();
        String best = KeySuggestions.closest(unknown, known);
        return best == null ? "" : "; did you mean " + best + "?";
    }

    /**
     * Returns a hint for a key under a Kafka client prefix that this service does not pass through (a producer
     * setting given to the writer, say), where a name suggestion would point to a setting of another client.
     */
    private String otherClientPrefixHint(String dottedKey) {
        for (String prefix : List.of(ConfigDef.KAFKA_PRODUCER_PREFIX, ConfigDef.KAFKA_CONSUMER_PREFIX,
                ConfigDef.KAFKA_ADMIN_PREFIX)) {
            if (dottedKey.startsWith(prefix) && !def.passThroughPrefixes().contains(prefix)) {
                return "; this service passes no settings under " + prefix + "*, so remove it (it may belong to"
                        + " another Sluice service)";
            }
        }
        return null;
    }

    /**
     * Returns the declared names plus, for each pass-through prefix, the prefix joined to the unknown name's tail
     * after its second dot, so that {@code kafka.producr.linger.ms} can suggest {@code kafka.producer.linger.ms}.
     */
    private List<String> candidateNames(String unknown) {
        List<String> names = new ArrayList<>();
        def.keys().forEach(key -> names.add(key.name()));
        names.add(ConfigDef.KAFKA_BOOTSTRAP_SERVERS);
        int firstDot = unknown.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : unknown.indexOf('.', firstDot + 1);
        if (secondDot > 0 && secondDot < unknown.length() - 1) {
            String tail = unknown.substring(secondDot + 1);
            def.passThroughPrefixes().forEach(prefix -> names.add(prefix + tail));
        }
        return names;
    }
}
