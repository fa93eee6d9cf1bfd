package io.sluice.writer.jdbc;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A validated SQL table name, optionally schema-qualified ({@code schema.table}), rendered with every part quoted.
 *
 * <p>Quoting keeps the name exactly as configured, so {@code Events} and {@code events} are different tables.
 * Each part must be a plain identifier (a letter or underscore, then letters, digits, underscores or {@code $}) of
 * at most 63 bytes, which is PostgreSQL's default {@code NAMEDATALEN} minus one.
 */
public final class TableName {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final int MAX_IDENTIFIER_LENGTH = 63;

    private final String schema;
    private final String table;

    private TableName(String schema, String table) {
        this.schema = schema;
        this.table = table;
    }

    /**
     * Parses {@code table} or {@code schema.table}.
     *
     * @throws IllegalArgumentException naming the value when it is not a plain, optionally qualified identifier
     */
    public static TableName parse(String value) {
        Objects.requireNonNull(value, "table name");
        String[] parts = value.split("\\.", -1);
        if (parts.length > 2) {
            throw invalid(value, "has more than one '.'; use table or schema.table");
        }
        for (String part : parts) {
            checkIdentifier(value, part);
        }
        return parts.length == 2 ? new TableName(parts[0], parts[1]) : new TableName(null, parts[0]);
    }

    /** Returns whether {@code value} parses, for config validation. */
    public static boolean isValid(String value) {
        try {
            parse(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void checkIdentifier(String value, String part) {
        if (part.isEmpty()) {
            throw invalid(value, "has an empty part");
        }
        if (part.length() > MAX_IDENTIFIER_LENGTH) {
            throw invalid(value, "has a part longer than " + MAX_IDENTIFIER_LENGTH + " characters");
        }
        if (!IDENTIFIER.matcher(part).matches()) {
            throw invalid(value, "may contain only letters, digits, '_' and '$', and must not start with a digit");
        }
    }

    private static IllegalArgumentException invalid(String value, String problem) {
        return new IllegalArgumentException("Invalid table name '" + value + "': it " + problem);
    }

    /** Returns the name as it goes into SQL text, each part in double quotes. */
    public String quoted() {
        return schema == null ? quote(table) : quote(schema) + "." + quote(table);
    }

    private static String quote(String identifier) {
        return '"' + identifier + '"';
    }

    @Override
    public String toString() {
        return schema == null ? table : schema + "." + table;
    }
}
