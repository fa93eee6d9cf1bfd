package io.sluice.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One declared configuration key: its name, type, default, validation rules, one line of documentation and whether
 * its value is a secret. Instances are immutable, so {@link #validate}, {@link #range}, {@link #secret()} and
 * {@link #optional()} return a new key.
 *
 * <p>A key whose default is {@code null} is required unless it is marked {@link #optional()}; an optional key without
 * a value reads as {@code null}.
 *
 * <pre>{@code
 * static final ConfigKey<Integer> HTTP_PORT =
 *         ConfigKey.integer("gateway.http.port", 8080, "TCP port of the HTTP ingest listener").range(0, 65535);
 * }</pre>
 *
 * @param <T> the type of the parsed value
 */
public final class ConfigKey<T> {

    /** Environment variables that configure Sluice start with this prefix. */
    public static final String ENV_PREFIX = "SLUICE_";

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?\\d+");

    private final String name;
    private final String typeName;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final T defaultValue;
    private final String doc;
    private final List<Rule<T>> rules;
    private final boolean secret;
    private final boolean optional;

    /** A validation rule; {@code bounds} is set for range rules, such as "between 0 and 65535". */
    private record Rule<T>(Predicate<? super T> test, String description, String bounds) {
    }

    private ConfigKey(String name, String typeName, Function<String, T> parser, Function<T, String> formatter,
                      T defaultValue, String doc, List<Rule<T>> rules, boolean secret, boolean optional) {
        this.name = requireName(name);
        this.typeName = typeName;
        this.parser = parser;
        this.formatter = formatter;
        this.defaultValue = defaultValue;
        this.doc = Objects.requireNonNull(doc, "doc");
        this.rules = List.copyOf(rules);
        this.secret = secret;
        this.optional = optional;
    }

    private static <T> ConfigKey<T> of(String name, String typeName, Function<String, T> parser,
                                       Function<T, String> formatter, T defaultValue, String doc) {
        return new ConfigKey<>(name, typeName, parser, formatter, defaultValue, doc, List.of(), false, false);
    }

    public static ConfigKey<Integer> integer(String name, Integer defaultValue, String doc) {
        return of(name, "int", ConfigKey::parseInt, String::valueOf, defaultValue, doc);
    }

    public static ConfigKey<Long> longKey(String name, Long defaultValue, String doc) {
        return of(name, "long", ConfigKey::parseLong, String::valueOf, defaultValue, doc);
    }

    public static ConfigKey<Long> longKey(String name, long defaultValue, String doc) {
        return longKey(name, Long.valueOf(defaultValue), doc);
    }

    public static ConfigKey<Boolean> bool(String name, Boolean defaultValue, String doc) {
        return of(name, "boolean", ConfigKey::parseBoolean, String::valueOf, defaultValue, doc);
    }

    public static ConfigKey<String> string(String name, String defaultValue, String doc) {
        return of(name, "string", String::trim, Function.identity(), defaultValue, doc);
    }

    /**
     * Creates a key for a duration written as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or
     * ISO-8601 {@code PT30S}.
     */
    public static ConfigKey<Duration> duration(String name, Duration defaultValue, String doc) {
        return of(name, "duration", ValueFormats::parseDuration, ValueFormats::formatDuration, defaultValue, doc);
    }

    /** Creates a key for a comma-separated list of strings. Items are trimmed and empty items dropped. */
    public static ConfigKey<List<String>> list(String name, List<String> defaultValue, String doc) {
        List<String> copy = defaultValue == null ? null : List.copyOf(defaultValue);
        return of(name, "list", ConfigKey::parseList, items -> String.join(",", items), copy, doc);
    }

    /** Creates a key for a byte count written as {@code 1048576}, {@code 64KiB}, {@code 1MiB} or {@code 1GiB}. */
    public static ConfigKey<Long> bytes(String name, Long defaultBytes, String doc) {
        return of(name, "bytes", ValueFormats::parseBytes, ValueFormats::formatBytes, defaultBytes, doc);
    }

    public static ConfigKey<Long> bytes(String name, long defaultBytes, String doc) {
        return bytes(name, Long.valueOf(defaultBytes), doc);
    }

    /** Creates a key for an enum constant, matched case-insensitively with {@code -} read as {@code _}. */
    public static <E extends Enum<E>> ConfigKey<E> enumKey(String name, Class<E> type, E defaultValue, String doc) {
        Objects.requireNonNull(type, "type");
        return of(name, "enum", text -> parseEnum(type, text), e -> e.name().toLowerCase(Locale.ROOT), defaultValue,
                doc);
    }

    /** Returns a copy of this key that also requires {@code test} to hold. The {@code rule} reads "must be ...". */
    public ConfigKey<T> validate(Predicate<? super T> test, String rule) {
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(rule, "rule");
        return withRule(new Rule<>(test, rule, null));
    }

    private ConfigKey<T> withRule(Rule<T> rule) {
        List<Rule<T>> more = new ArrayList<>(rules);
        more.add(rule);
        return new ConfigKey<>(name, typeName, parser, formatter, defaultValue, doc, more, secret, optional);
    }

    /** Returns a copy of this key that requires {@code min <= value <= max}. */
    @SuppressWarnings("unchecked")
    public ConfigKey<T> range(T min, T max) {
        Comparable<T> low = (Comparable<T>) Objects.requireNonNull(min, "min");
        Comparable<T> high = (Comparable<T>) Objects.requireNonNull(max, "max");
        if (low.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + ": range min " + min + " is above max " + max);
        }
        String bounds = "between " + formatter.apply(min) + " and " + formatter.apply(max);
        return withRule(new Rule<>(v -> low.compareTo(v) <= 0 && high.compareTo(v) >= 0, "must be " + bounds, bounds));
    }

    /** Returns a copy of this key that requires {@code value >= min}. */
    @SuppressWarnings("unchecked")
    public ConfigKey<T> atLeast(T min) {
        Comparable<T> low = (Comparable<T>) Objects.requireNonNull(min, "min");
        String bounds = "of at least " + formatter.apply(min);
        return withRule(new Rule<>(v -> low.compareTo(v) <= 0, "must be at least " + formatter.apply(min), bounds));
    }

    /** Returns a copy of this key whose value is masked as {@code ******} in descriptions and errors. */
    public ConfigKey<T> secret() {
        return new ConfigKey<>(name, typeName, parser, formatter, defaultValue, doc, rules, true, optional);
    }

    /** Returns a copy of this key that may stay unset; {@link Settings#get} then returns {@code null}. */
    public ConfigKey<T> optional() {
        return new ConfigKey<>(name, typeName, parser, formatter, defaultValue, doc, rules, secret, true);
    }

    public String name() {
        return name;
    }

    /** Short type label for documentation: int, long, boolean, string, duration, list, bytes or enum. */
    public String typeName() {
        return typeName;
    }

    /** Default value, or {@code null} when the key has none. */
    public T defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    public boolean isSecret() {
        return secret;
    }

    public boolean isOptional() {
        return optional;
    }

    /** True when the key has no default and is not optional, so a value must be supplied. */
    public boolean isRequired() {
        return defaultValue == null && !optional;
    }

    /** Environment variable that sets this key: {@code gateway.http.port} is {@code SLUICE_GATEWAY_HTTP_PORT}. */
    public String envVar() {
        return envVarFor(name);
    }

    /**
     * Parses a raw text value, throwing {@link IllegalArgumentException} with a "must be ..." message if invalid.
     * For an integer key with a range the message states the range, such as "must be an integer between 0 and 65535".
     */
    public T parse(String raw) {
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            String bounds = integerBounds();
            if (bounds == null) {
                throw e;
            }
            throw new IllegalArgumentException("must be an integer " + bounds, e);
        }
    }

    /** Returns the bounds of the first range rule of an int or long key, or {@code null}. */
    private String integerBounds() {
        if (!typeName.equals("int") && !typeName.equals("long")) {
            return null;
        }
        return rules.stream().map(Rule::bounds).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** Formats a value so that {@link #parse} reads it back. */
    public String format(T value) {
        return value == null ? "" : formatter.apply(value);
    }

    /** Returns the description of the first rule that {@code value} breaks, or {@code null} if it passes all. */
    public String firstBrokenRule(T value) {
        for (Rule<T> rule : rules) {
            if (!rule.test().test(value)) {
                return rule.description();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name;
    }

    static String envVarFor(String keyName) {
        return ENV_PREFIX + keyName.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || !name.equals(name.trim()) || name.contains("_")) {
            throw new IllegalArgumentException("invalid config key name '" + name
                    + "': use lower-case words separated by dots, such as gateway.http.port");
        }
        return name;
    }

    private static int parseInt(String text) {
        String value = text.trim();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(notAnInteger(value, Integer.MIN_VALUE, Integer.MAX_VALUE), e);
        }
    }

    private static long parseLong(String text) {
        String value = text.trim();
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(notAnInteger(value, Long.MIN_VALUE, Long.MAX_VALUE), e);
        }
    }

    /** States the type's range only for a whole number that overflows it; other text gets "must be an integer". */
    private static String notAnInteger(String value, long min, long max) {
        return WHOLE_NUMBER.matcher(value).matches() ? "must be between " + min + " and " + max : "must be an integer";
    }

    private static boolean parseBoolean(String text) {
        String value = text.trim();
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("must be true or false");
    }

    private static List<String> parseList(String text) {
        return Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(item -> !item.isEmpty())
                .toList();
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String text) {
        String normalized = text.trim().replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(normalized)) {
                return constant;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new IllegalArgumentException("must be one of " + allowed);
    }
}
