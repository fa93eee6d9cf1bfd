package io.sluice.gateway.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.gateway.backpressure.ReadGate.PauseScope;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReadGateTest {

    private final AtomicLong nanos = new AtomicLong();
    private final ReadGate gate = new ReadGate(nanos::get);
    private final EmbeddedChannel tcp = new EmbeddedChannel();
    private final EmbeddedChannel http = new EmbeddedChannel();

    @AfterEach
    void close() {
        tcp.finishAndReleaseAll();
        http.finishAndReleaseAll();
    }

    @Test
    void pauseStopsTcpButNotHttpBetweenRequests() {
        gate.register(tcp, PauseScope.ALL_READS);
        gate.register(http, PauseScope.REQUEST_BODIES);

        pause();

        assertThat(tcp.config().isAutoRead()).isFalse();
        assertThat(http.config().isAutoRead()).isTrue();
        assertThat(gate.isReadStopped(tcp)).isTrue();
        assertThat(gate.isReadStopped(http)).isFalse();

        resume();

        assertThat(tcp.config().isAutoRead()).isTrue();
        assertThat(http.config().isAutoRead()).isTrue();
    }

    @Test
    void channelsAcceptedWhilePaused() {
        pause();

        gate.register(tcp, PauseScope.ALL_READS);
        gate.register(http, PauseScope.REQUEST_BODIES);

        assertThat(tcp.config().isAutoRead()).isFalse();
        assertThat(http.config().isAutoRead()).isTrue();
    }

    @Test
    void bodyStartedWhilePausedWaitsForResume() {
        gate.register(http, PauseScope.REQUEST_BODIES);
        pause();

        gate.startBody(http);
        assertThat(http.config().isAutoRead()).isFalse();

        resume();
        assertThat(http.config().isAutoRead()).isTrue();
    }

    @Test
    void pauseStopsBodyAlreadyBeingRead() {
        gate.register(http, PauseScope.REQUEST_BODIES);
        gate.startBody(http);
        assertThat(http.config().isAutoRead()).isTrue();

        pause();
        assertThat(http.config().isAutoRead()).isFalse();

        resume();
        assertThat(http.config().isAutoRead()).isTrue();
    }

    @Test
    void releaseWhilePausedReadsNextHead() {
        gate.register(http, PauseScope.REQUEST_BODIES);
        gate.startBody(http);
        pause();

        gate.release(http);

        assertThat(http.config().isAutoRead()).isTrue();
        assertThat(gate.isPaused()).isTrue();
    }

    @Test
    void holdOutlastsResume() {
        gate.register(http, PauseScope.REQUEST_BODIES);
        gate.startBody(http);
        gate.hold(http);
        pause();
        resume();

        assertThat(http.config().isAutoRead()).isFalse();
        assertThat(gate.isReadStopped(http)).isTrue();

        gate.release(http);
        assertThat(http.config().isAutoRead()).isTrue();
    }

    @Test
    void holdOnTcpOutlastsResume() {
        gate.register(tcp, PauseScope.ALL_READS);
        gate.hold(tcp);
        pause();
        resume();

        assertThat(tcp.config().isAutoRead()).isFalse();
    }

    @Test
    void releaseKeepsTcpPaused() {
        gate.register(tcp, PauseScope.ALL_READS);
        gate.hold(tcp);
        pause();

        gate.release(tcp);

        assertThat(tcp.config().isAutoRead()).isFalse();
    }

    @Test
    void metricsCountGlobalPausesOnly() {
        gate.register(tcp, PauseScope.ALL_READS);
        gate.register(http, PauseScope.REQUEST_BODIES);
        nanos.set(1_000_000_000L);
        pause();
        gate.startBody(http);
        gate.hold(http);
        pause();
        nanos.addAndGet(2_000_000_000L);
        gate.release(http);
        gate.startBody(http);
        resume();
        resume();

        assertThat(gate.pauseCount()).isEqualTo(1);
        assertThat(gate.pausedSeconds()).isEqualTo(2.0);

        nanos.addAndGet(5_000_000_000L);
        pause();
        nanos.addAndGet(500_000_000L);

        assertThat(gate.pauseCount()).isEqualTo(2);
        assertThat(gate.pausedSeconds()).isEqualTo(2.5);
    }

    private void pause() {
        gate.pause();
        runEventLoops();
    }

    private void resume() {
        gate.resume();
        runEventLoops();
    }

    private void runEventLoops() {
        tcp.runPendingTasks();
        http.runPendingTasks();
    }
}
