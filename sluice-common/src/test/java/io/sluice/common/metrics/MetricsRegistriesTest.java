package io.sluice.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MetricsRegistriesTest {

    @Test
    void registryHasBindersAndApplicationTag() {
        PrometheusMeterRegistry registry = MetricsRegistries.create("db-writer");
        try {
            assertThat(registry.find("jvm.memory.used").gauges()).isNotEmpty();
            assertThat(registry.find("jvm.gc.memory.allocated").meters()).isNotEmpty();
            assertThat(registry.find("jvm.threads.live").gauge()).isNotNull();
            assertThat(registry.find("jvm.classes.loaded").gauge()).isNotNull();
            assertThat(registry.find("system.cpu.count").gauge()).isNotNull();
            assertThat(registry.find("process.uptime").meters()).isNotEmpty();
            for (Meter meter : registry.getMeters()) {
                assertThat(meter.getId().getTag("application")).as(meter.getId().getName()).isEqualTo("db-writer");
            }
        } finally {
            registry.close();
        }
    }

    @Test
    void blankApplicationRejected() {
        assertThatThrownBy(() -> MetricsRegistries.create(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
