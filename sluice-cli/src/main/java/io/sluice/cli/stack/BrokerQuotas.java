package io.sluice.cli.stack;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/** Broker client quotas, used to make the gateway's producer the bottleneck on purpose. */
public final class BrokerQuotas {

    /**
     * Broker settings for short quota windows. The broker lets about quota x (windows - 1) x window seconds
     * through before it throttles, so two windows of one second keep that burst to one second of quota.
     */
    public static final Map<String, String> SHORT_QUOTA_WINDOWS =
            Map.of("quota.window.num", "2", "quota.window.size.seconds", "1");

    private static final long TIMEOUT_SECONDS = 30;

    private BrokerQuotas() {
    }

    /**
     * Sets {@code producer_byte_rate} for {@code clientId}. Call it before that client sends: set on a producer
     * that is already sending fast, a quota has caused throttles of minutes on Kafka 4.4.0.
     */
    public static void setProducerByteRate(String bootstrapServers, String clientId, long bytesPerSecond)
            throws InterruptedException {
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, clientId));
        ClientQuotaAlteration.Op rate = new ClientQuotaAlteration.Op("producer_byte_rate", (double) bytesPerSecond);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, List.of(rate))))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Setting producer_byte_rate=" + bytesPerSecond + " for client.id="
                    + clientId + " on " + bootstrapServers + " failed: " + e, e);
        }
    }
}
