package io.sluice.common.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Creates the Prometheus meter registry that every Sluice service exports on its admin port. */
public final class MetricsRegistries {

    /** Common tag on every meter, naming the service ({@code ingest-gateway} or {@code db-writer}). */
    public static final String APPLICATION_TAG = "application";

    private MetricsRegistries() {
    }

    /**
     * Creates a registry with the common tag {@code application} and the JVM binders (memory, GC, threads, class
     * loaders), processor and uptime. Closing the registry also unregisters the GC notification listeners.
     */
    public static PrometheusMeterRegistry create(String application) {
        if (application == null || application.isBlank()) {
            throw new IllegalArgumentException("application name must not be blank: pass the service name, such as "
                    + "ingest-gateway");
        }
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        PrometheusMeterRegistry registry = new ClosingPrometheusMeterRegistry(gcMetrics);
        registry.config().commonTags(APPLICATION_TAG, application);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /** A registry that closes the GC binder with itself, so tests that create many registries leak no listeners. */
    private static final class ClosingPrometheusMeterRegistry extends PrometheusMeterRegistry {

        private final JvmGcMetrics gcMetrics;

        ClosingPrometheusMeterRegistry(JvmGcMetrics gcMetrics) {
            super(PrometheusConfig.DEFAULT);
            this.gcMetrics = gcMetrics;
        }

        @Override
        public void close() {
            try {
                gcMetrics.close();
            } finally {
                super.close();
            }
        }
    }
}
