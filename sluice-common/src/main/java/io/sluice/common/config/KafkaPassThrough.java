package io.sluice.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Checks {@code kafka.*} pass-through settings against the Kafka clients' own declarations: each name and value when
 * settings load, and a service's final client config before the client is built.
 *
 * <p>A key under {@code kafka.producer.}, {@code kafka.consumer.} or {@code kafka.admin.} must name a setting that
 * client declares; one under {@code kafka.common.} must name a setting that at least one of them declares. Names in
 * {@link KafkaClientType#UNDECLARED_FAMILIES} are accepted unchecked. Keys under any other pass-through prefix are
 * not checked, because no known client reads them.
 */
final class KafkaPassThrough {

    private static final List<KafkaClientType> ALL_CLIENTS = List.of(KafkaClientType.values());

    /** The clients a pass-through key configures and the setting name they see. */
    private record Target(List<KafkaClientType> clients, String name) {
    }

    private KafkaPassThrough() {
    }

    /**
     * Checks that some targeted client accepts the name of pass-through key {@code key}.
     *
     * @param prefixes the pass-through prefixes of the service, so a hint names only a prefix it reads
     * @return the problem, naming the key, its source and the closest known name, or {@code null} when accepted
     */
    static String checkName(String key, String source, List<String> prefixes) {
        Target target = target(key);
        if (target == null || target.clients().stream().anyMatch(client -> client.accepts(target.name()))) {
            return null;
        }
        String problem = "unknown config key " + key + " from " + source + ": " + target.name() + " is not "
                + settingOf(target.clients());
        return problem + hint(target, isFromEnvironment(key, source), prefixes);
    }

    /**
     * Parses the value of pass-through key {@code key} with each targeted client's declared type and validator.
     *
     * @return the problem with Kafka's own message, or {@code null} when every client accepts the value
     */
    static String checkValue(String key, String text, String source) {
        Target target = target(key);
        if (target == null || isConfigVariable(text)) {
            return null;
        }
        for (KafkaClientType client : target.clients()) {
            String error = client.checkValue(target.name(), text.trim());
            if (error != null) {
                boolean secret = isSecret(client, target.name());
                String displayed = secret ? Settings.MASK : text.trim();
                return key + "=" + displayed + " from " + source + ": the " + client.displayName() + " rejects it: "
                        + mask(error, text.trim(), secret);
            }
        }
        return null;
    }

    /**
     * Checks a client's final config map: every value with its declared parser, then the whole map with the
     * client's own config class, which also rejects combinations such as {@code acks=1} with
     * {@code enable.idempotence=true}.
     *
     * @param describe returns "key=value from source" for one setting name and value, secret masked when the flag
     *                 is true
     * @throws ConfigException listing each rejected value, or Kafka's message and the settings it names
     */
    static void checkClientConfig(KafkaClientType client, Map<String, ?> config,
                                  BiFunction<String, Boolean, String> describe) {
        List<String> problems = new ArrayList<>();
        new TreeMap<String, Object>(config).forEach((name, value) -> {
            if (value == null || isConfigVariable(value)) {
                return;
            }
            String error = client.checkValue(name, value);
            if (error != null) {
                boolean secret = isSecret(client, name);
                problems.add(describe.apply(name, secret) + ": the " + client.displayName() + " rejects it: "
                        + mask(error, String.valueOf(value).trim(), secret));
            }
        });
        if (problems.isEmpty()) {
            checkCombination(client, config, describe, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
    }

    private static void checkCombination(KafkaClientType client, Map<String, ?> config,
                                         BiFunction<String, Boolean, String> describe, List<String> problems) {
        try {
            client.parseAll(config);
        } catch (org.apache.kafka.common.config.ConfigException e) {
            String message = maskSecrets(client, config, String.valueOf(e.getMessage()));
            List<String> involved = new ArrayList<>();
            for (String name : namesIn(message, config.keySet())) {
                involved.add(describe.apply(name, isSecret(client, name)));
            }
            String suffix = involved.isEmpty() ? "" : "; settings involved: " + String.join(", ", involved);
            problems.add("the " + client.displayName() + " rejects its config: " + message + suffix);
        }
    }

    /** Returns the clients and setting name of a pass-through key, or {@code null} for a key no client reads. */
    private static Target target(String key) {
        if (key.equals(ConfigDef.KAFKA_BOOTSTRAP_SERVERS)) {
            return new Target(ALL_CLIENTS, "bootstrap.servers");
        }
        if (key.startsWith(ConfigDef.KAFKA_COMMON_PREFIX)) {
            return new Target(ALL_CLIENTS, key.substring(ConfigDef.KAFKA_COMMON_PREFIX.length()));
        }
        for (KafkaClientType client : ALL_CLIENTS) {
            if (key.startsWith(client.prefix())) {
                return new Target(List.of(client), key.substring(client.prefix().length()));
            }
        }
        return null;
    }

    private static String settingOf(List<KafkaClientType> clients) {
        return clients.size() == 1 ? "a " + clients.get(0).displayName() + " setting" : "a setting of any Kafka client";
    }

    /** Points to the client that does declare the name, else to the closest declared name, else to the docs. */
    private static String hint(Target target, boolean fromEnvironment, List<String> prefixes) {
        for (KafkaClientType other : ALL_CLIENTS) {
            if (!target.clients().contains(other) && other.declares(target.name())) {
                return otherClientHint(other, target.name(), fromEnvironment, prefixes);
            }
        }
        Set<String> known = new TreeSet<>();
        target.clients().forEach(client -> known.addAll(client.names()));
        String closest = KeySuggestions.closest(target.name(), known);
        if (closest == null) {
            return "; check the name against the client configs in the Kafka documentation";
        }
        String prefix = target.clients().size() == 1 ? target.clients().get(0).prefix() : ConfigDef.KAFKA_COMMON_PREFIX;
        return "; did you mean " + withEnvVar(prefix + closest, fromEnvironment) + "?";
    }

    private static String otherClientHint(KafkaClientType other, String name, boolean fromEnvironment,
                                          List<String> prefixes) {
        String hint = "; it is a " + other.displayName() + " setting";
        if (!prefixes.contains(other.prefix())) {
            return hint + ", and this service passes no settings to a " + other.displayName();
        }
        return hint + ", so set " + withEnvVar(other.prefix() + name, fromEnvironment);
    }

    private static String withEnvVar(String key, boolean fromEnvironment) {
        return fromEnvironment ? key + " (" + ConfigKey.envVarFor(key) + ")" : key;
    }

    private static boolean isFromEnvironment(String key, String source) {
        return source.equals(ConfigKey.envVarFor(key));
    }

    /** True for a value such as {@code ${file:/etc/kafka/secrets:password}}, which the client resolves itself. */
    private static boolean isConfigVariable(Object value) {
        return String.valueOf(value).contains("${");
    }

    private static boolean isSecret(KafkaClientType client, String name) {
        return Settings.isSecretName(name) || client.isPassword(name);
    }

    private static String mask(String message, String value, boolean secret) {
        return secret && !value.isEmpty() ? message.replace(value, Settings.MASK) : message;
    }

    private static String maskSecrets(KafkaClientType client, Map<String, ?> config, String message) {
        String masked = message;
        for (Map.Entry<String, ?> entry : config.entrySet()) {
            if (entry.getValue() != null && isSecret(client, entry.getKey())) {
                masked = mask(masked, String.valueOf(entry.getValue()).trim(), true);
            }
        }
        return masked;
    }

    /** Returns the setting names that appear in {@code message} as whole words, such as {@code acks}. */
    private static List<String> namesIn(String message, Set<String> names) {
        List<String> found = new ArrayList<>();
        for (String name : new TreeSet<>(names)) {
            Pattern word = Pattern.compile("(?<![\\w.-])" + Pattern.quote(name) + "(?![\\w-]|\\.\\w)");
            if (word.matcher(message).find()) {
                found.add(name);
            }
        }
        return found;
    }
}
