package io.sluice.writer.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableNameTest {

    @Test
    void plainNameIsQuoted() {
        assertThat(TableName.parse("sluice_events").quoted()).isEqualTo("\"sluice_events\"");
    }

    @Test
    void qualifiedNameQuotesEachPart() {
        assertThat(TableName.parse("ingest.Events$1").quoted()).isEqualTo("\"ingest\".\"Events$1\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a.b.c", "1events", "events;drop table x", "ev\"ents", "a.", ".a", "with space",
            "événements"})
    void invalidNamesRejected(String name) {
        assertThatThrownBy(() -> TableName.parse(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'");
        assertThat(TableName.isValid(name)).isFalse();
    }

    @Test
    void overlongPartRejected() {
        String name = "t".repeat(64);

        assertThatThrownBy(() -> TableName.parse(name)).hasMessageContaining("longer than 63");
    }
}
