package io.sluice.common.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers and formatters for durations and byte sizes as they appear in config files and environment variables. */
final class ValueFormats {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(b|kib|mib|gib|tib)?");
    private static final long KIB = 1024L;
    private static final String[] BYTE_UNITS = {"TiB", "GiB", "MiB", "KiB"};
    private static final long[] BYTE_FACTORS = {KIB * KIB * KIB * KIB, KIB * KIB * KIB, KIB * KIB, KIB};

    private ValueFormats() {
    }

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, a bare {@code 0}, or ISO-8601 such as
     * {@code PT30S}.
     */
    static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        if (value.startsWith("p") || value.startsWith("-p")) {
            return parseIsoDuration(text.trim());
        }
        Matcher matcher = DURATION.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("must be a duration such as 500ms, 30s, 5m, 1h or PT30S");
        }
        long amount = parseAmount(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static Duration parseIsoDuration(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("must be a duration such as 500ms, 30s, 5m, 1h or PT30S", e);
        }
    }

    /** Formats a duration in the largest whole unit of ms, s, m or h, so {@code 30s} round-trips. */
    static String formatDuration(Duration duration) {
        if (duration.isNegative()) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (!duration.equals(Duration.ofMillis(millis))) {
            return duration.toString();
        }
        if (millis == 0) {
            return "0s";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /** Parses a byte count: a plain number of bytes, or a number with {@code B}, {@code KiB}, {@code MiB},
     * {@code GiB} or {@code TiB} (case-insensitive). */
    static long parseBytes(String text) {
        Matcher matcher = BYTES.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("must be a byte size such as 1048576, 64KiB, 1MiB or 1GiB");
        }
        long amount = parseAmount(matcher.group(1));
        String unit = matcher.group(2) == null ? "b" : matcher.group(2);
        long factor = switch (unit) {
            case "kib" -> BYTE_FACTORS[3];
            case "mib" -> BYTE_FACTORS[2];
            case "gib" -> BYTE_FACTORS[1];
            case "tib" -> BYTE_FACTORS[0];
            default -> 1L;
        };
        try {
            return Math.multiplyExact(amount, factor);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("must be at most " + Long.MAX_VALUE + " bytes", e);
        }
    }

    /** Formats a byte count in the largest binary unit that divides it, so {@code 64KiB} round-trips. */
    static String formatBytes(long bytes) {
        for (int i = 0; i < BYTE_UNITS.length; i++) {
            if (bytes != 0 && bytes % BYTE_FACTORS[i] == 0) {
                return bytes / BYTE_FACTORS[i] + BYTE_UNITS[i];
            }
        }
        return Long.toString(bytes);
    }

    private static long parseAmount(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be at most " + Long.MAX_VALUE, e);
        }
    }
}
