package io.sluice.cli.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PaymentEventGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T10:15:30.123Z"), ZoneOffset.UTC);

    @Test
    void eventHasPaymentFields() throws Exception {
        PaymentEventGenerator generator = new PaymentEventGenerator(42, 0, CLOCK);

        JsonNode event = JSON.readTree(generator.event(7));

        assertThat(UUID.fromString(event.get("id").asText()).version()).isEqualTo(4);
        assertThat(event.get("account").asText()).matches("ACC-\\d{6}");
        assertThat(event.get("amount").isNumber()).isTrue();
        assertThat(event.get("amount").decimalValue()).isGreaterThan(BigDecimal.ZERO);
        assertThat(event.get("amount").asText()).matches("\\d+\\.\\d{2}");
        assertThat(PaymentEventGenerator.CURRENCIES).contains(event.get("currency").asText());
        assertThat(event.get("time").asText()).isEqualTo("2026-12-04T10:15:30.123Z");
        assertThat(event.has("memo")).isFalse();
    }

    @Test
    void sameSequenceGivesSameEvent() {
        PaymentEventGenerator generator = new PaymentEventGenerator(42, 200, CLOCK);

        assertThat(generator.event(1234)).isEqualTo(generator.event(1234));
        assertThat(generator.event(1234)).isNotEqualTo(generator.event(1235));
    }

    @Test
    void idsAreUniqueAndCarrySequence() {
        PaymentEventGenerator generator = new PaymentEventGenerator(42, 0, CLOCK);
        Set<UUID> ids = new HashSet<>();

        for (long sequence = 0; sequence < 10_000; sequence++) {
            UUID id = generator.idOf(sequence);
            assertThat(ids.add(id)).isTrue();
            assertThat(generator.sequenceOf(id.toString())).isEqualTo(sequence);
        }
    }

    @Test
    void idOfOtherRunIsNotMapped() {
        PaymentEventGenerator ours = new PaymentEventGenerator(42, 0, CLOCK);
        PaymentEventGenerator theirs = new PaymentEventGenerator(43, 0, CLOCK);

        assertThat(ours.sequenceOf(theirs.idOf(5).toString())).isEqualTo(-1);
        assertThat(ours.sequenceOf("not-a-uuid")).isEqualTo(-1);
    }

    @Test
    void memoPadsToRecordBytes() throws Exception {
        PaymentEventGenerator generator = new PaymentEventGenerator(42, 200, CLOCK);

        for (long sequence = 0; sequence < 100; sequence++) {
            byte[] line = generator.line(sequence);
            assertThat(line.length).isEqualTo(201);
            assertThat(line[200]).isEqualTo((byte) '\n');
            JsonNode event = JSON.readTree(new String(line, StandardCharsets.UTF_8));
            assertThat(event.get("memo").asText()).isNotEmpty();
        }
    }
}
