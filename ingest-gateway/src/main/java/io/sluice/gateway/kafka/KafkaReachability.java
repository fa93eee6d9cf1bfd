package io.sluice.gateway.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the Kafka cluster a {@code describeCluster} request at a fixed interval, so {@code /readyz} reports
 * not ready while the gateway cannot reach Kafka and a load balancer can send events to another gateway. Without
 * it, readiness stays 200 while every request fails with 503.
 *
 * <p>Thread ownership: the probe runs on its own single thread; {@link #isReachable} is read from any thread.
 */
public final class KafkaReachability implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaReachability.class);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final Duration interval;
    private final Duration timeout;
    private final ScheduledExecutorService executor;
    private volatile boolean reachable = true;

    /** Takes ownership of {@code admin}; each check waits at most half of {@code interval}. */
    public KafkaReachability(Admin admin, Duration interval) {
        this.admin = admin;
        this.interval = interval;
        this.timeout = interval.dividedBy(2);
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sluice-gateway-kafka-check");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        executor.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Returns false after the last check got no response from the cluster; true before the first check. */
    public boolean isReachable() {
        return reachable;
    }

    void check() {
        try {
            DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs((int) timeout.toMillis());
            admin.describeCluster(options).nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!reachable) {
                log.info("Kafka cluster responds again; reporting ready");
            }
            reachable = true;
        } catch (ExecutionException | TimeoutException e) {
            if (reachable) {
                log.warn("Kafka cluster did not respond within {} ms; reporting not ready until it does: {}",
                        timeout.toMillis(), e.getCause() == null ? e.toString() : e.getCause().toString());
            }
            reachable = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; keep checking instead.
            log.error("Checking that the Kafka cluster responds failed", e);
            reachable = false;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        admin.close(ADMIN_CLOSE_TIMEOUT);
    }
}
