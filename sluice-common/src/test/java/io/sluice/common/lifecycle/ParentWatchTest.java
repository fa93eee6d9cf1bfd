package io.sluice.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ParentWatchTest {

    @Test
    void parentKilledRunsStop() throws Exception {
        Process parent = new ProcessBuilder("sleep", "60").start();
        CountDownLatch stopped = new CountDownLatch(1);

        boolean watching = ParentWatch.watch(parent.pid(), "test-service", stopped::countDown);
        assertThat(watching).isTrue();
        assertThat(stopped.getCount()).isEqualTo(1);

        parent.destroyForcibly();

        assertThat(stopped.await(10, TimeUnit.SECONDS)).as("stop ran after the parent was killed").isTrue();
    }

    @Test
    void goneParentStopsAtOnce() throws Exception {
        Process parent = new ProcessBuilder("true").start();
        parent.waitFor();
        CountDownLatch stopped = new CountDownLatch(1);

        boolean watching = ParentWatch.watch(parent.pid(), "test-service", stopped::countDown);

        assertThat(watching).isFalse();
        assertThat(stopped.getCount()).isZero();
    }
}
