package io.sluice.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.utils.internals.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ExitTrapTest {

    @Test
    void trappedHaltThrowsInsteadOfStopping() {
        EmbeddedKafka.trapExitsForTests();

        assertThatThrownBy(() -> Exit.halt(3, "simulated fault"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Kafka requested JVM halt with status 3: simulated fault");
        assertThat(EmbeddedKafka.trappedExit()).hasValue("Kafka requested JVM halt with status 3: simulated fault");
    }

    @Test
    void trappedExitThrowsInsteadOfStopping() {
        EmbeddedKafka.trapExitsForTests();

        assertThatThrownBy(() -> Exit.exit(4, "simulated shutdown"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("JVM exit with status 4");
    }
}
