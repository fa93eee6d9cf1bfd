package io.sluice.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ShutdownGuardTest {

    private final List<String> closed = new ArrayList<>();

    private AutoCloseable named(String name) {
        return () -> closed.add(name);
    }

    @Test
    void closesNewestFirst() {
        try (ShutdownGuard guard = ShutdownGuard.install("test-guard")) {
            guard.register(named("stack"));
            guard.register(named("gateway"));
            guard.register(named("writer"));
        }

        assertThat(closed).containsExactly("writer", "gateway", "stack");
    }

    @Test
    void failedCloseStillClosesTheRest() {
        try (ShutdownGuard guard = ShutdownGuard.install("test-guard")) {
            guard.register(named("stack"));
            guard.register(() -> {
                throw new IllegalStateException("simulated close failure");
            });
        }

        assertThat(closed).containsExactly("stack");
    }

    @Test
    void registerAfterCloseClosesAtOnce() {
        ShutdownGuard guard = ShutdownGuard.install("test-guard");
        guard.close();

        guard.register(named("late"));

        assertThat(closed).containsExactly("late");
    }
}
