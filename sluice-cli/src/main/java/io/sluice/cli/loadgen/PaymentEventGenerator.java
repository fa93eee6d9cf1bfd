package io.sluice.cli.loadgen;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Generates payment-like NDJSON events: {@code id} (UUID), {@code account}, {@code amount} (decimal),
 * {@code currency} (ISO 4217 code) and {@code time} (ISO-8601), plus a {@code memo} of random letters when a
 * target record size requires padding.
 *
 * <p>Each event is a pure function of the run id and its sequence number, so connections generate events
 * concurrently without sharing state. The sequence number is stored in the low bits of the id, which lets
 * {@link #sequenceOf(String)} map an id read back from PostgreSQL to the event that carried it.
 */
public final class PaymentEventGenerator {

    static final List<String> CURRENCIES = List.of("EUR", "USD", "GBP", "CHF", "JPY", "SEK", "PLN", "CAD");

    private static final int ACCOUNTS = 10_000;
    private static final long VARIANT_BITS = 2L << 62;
    private static final long SEQUENCE_MASK = (1L << 62) - 1;
    private static final String MEMO_FIELD = ",\"memo\":\"\"";
    private static final char[] MEMO_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
            .toCharArray();

    private final long runBits;
    private final int recordBytes;
    private final Clock clock;

    /**
     * @param runId       random bits that mark the events of one run (the high half of every id)
     * @param recordBytes target size of one event in bytes without the newline; 0 means no padding
     * @param clock       source of the {@code time} field
     */
    public PaymentEventGenerator(long runId, int recordBytes, Clock clock) {
        this.runBits = (runId & ~0xF000L) | 0x4000L;
        this.recordBytes = recordBytes;
        this.clock = clock;
    }

    public static PaymentEventGenerator random(int recordBytes) {
        return new PaymentEventGenerator(new SplittableRandom().nextLong(), recordBytes, Clock.systemUTC());
    }

    /** Returns the id of event {@code sequence}: a version 4 UUID whose low 62 bits are the sequence number. */
    public UUID idOf(long sequence) {
        return new UUID(runBits, VARIANT_BITS | (sequence & SEQUENCE_MASK));
    }

    /** Returns the sequence number carried by {@code id}, or -1 when the id belongs to another run or is invalid. */
    public long sequenceOf(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (uuid.getMostSignificantBits() != runBits) {
            return -1;
        }
        return uuid.getLeastSignificantBits() & SEQUENCE_MASK;
    }

    /** Returns event {@code sequence} as one JSON object without a trailing newline. */
    public String event(long sequence) {
        SplittableRandom random = new SplittableRandom(runBits ^ (sequence * 0x9E3779B97F4A7C15L));
        StringBuilder json = new StringBuilder(Math.max(160, recordBytes + 16));
        json.append("{\"id\":\"").append(idOf(sequence))
                .append("\",\"account\":\"ACC-").append(String.format("%06d", random.nextInt(ACCOUNTS)))
                .append("\",\"amount\":").append(amount(random))
                .append(",\"currency\":\"").append(CURRENCIES.get(random.nextInt(CURRENCIES.size())))
                .append("\",\"time\":\"").append(Instant.now(clock)).append('"');
        appendMemo(json, random);
        return json.append('}').toString();
    }

    /** Returns event {@code sequence} as UTF-8 bytes followed by a newline. */
    public byte[] line(long sequence) {
        return (event(sequence) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String amount(SplittableRandom random) {
        long cents = 1 + random.nextLong(1_000_000);
        return (cents / 100) + "." + String.format("%02d", cents % 100);
    }

    private void appendMemo(StringBuilder json, SplittableRandom random) {
        // The JSON is ASCII, so characters and bytes count the same.
        int padding = recordBytes - json.length() - MEMO_FIELD.length() - 1;
        if (padding <= 0) {
            return;
        }
        json.append(",\"memo\":\"");
        for (int i = 0; i < padding; i++) {
            json.append(MEMO_ALPHABET[random.nextInt(MEMO_ALPHABET.length)]);
        }
        json.append('"');
    }
}
