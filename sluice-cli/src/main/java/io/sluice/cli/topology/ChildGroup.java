package io.sluice.cli.topology;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes stopped together: SIGTERM to all, a shared wait of {@code stopTimeout} for their graceful drain, then
 * SIGKILL to the ones still running. Reports a process that exits while the group is not stopping.
 *
 * <p>Thread ownership: {@link #add} runs on the starting thread; exit reports run on the JDK's process reaper
 * threads; {@link #close()} runs on the owner's thread or the shutdown hook thread. {@code children} is a
 * copy-on-write list and {@code stopping} an atomic flag, so no other locking is needed.
 */
final class ChildGroup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildGroup.class);
    private static final int LOG_TAIL_LINES = 15;

    private final String description;
    private final Duration stopTimeout;
    private final PrintStream console;
    private final List<ChildProcess> children = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();

    ChildGroup(String description, Duration stopTimeout, PrintStream console) {
        this.description = description;
        this.stopTimeout = stopTimeout;
        this.console = console;
    }

    /** Adds a started process and reports on {@code console} when it exits before {@link #close()}. */
    ChildProcess add(ChildProcess child) {
        children.add(child);
        child.process().onExit().thenRun(() -> reportUnexpectedExit(child));
        return child;
    }

    List<ChildProcess> children() {
        return List.copyOf(children);
    }

    private void reportUnexpectedExit(ChildProcess child) {
        if (stopping.get()) {
            return;
        }
        LOG.error("Child process stopped unexpectedly: {}", child.describeExit(0));
        console.println("Stopped unexpectedly: " + child.describeExit(LOG_TAIL_LINES));
    }

    /** Stops every process: SIGTERM, wait up to the stop timeout, then SIGKILL. Calling it again does nothing. */
    @Override
    public void close() throws InterruptedException {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        long startNanos = System.nanoTime();
        for (ChildProcess child : children) {
            child.requestStop();
        }
        long deadlineNanos = startNanos + stopTimeout.toNanos();
        for (ChildProcess child : children) {
            Duration left = Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
            if (!child.awaitExit(left)) {
                LOG.warn("{} did not stop within {} ms of SIGTERM; sending SIGKILL (log: {})", child,
                        stopTimeout.toMillis(), child.logFile());
                console.printf("%s did not stop within %d ms; killed. Log: %s%n", child, stopTimeout.toMillis(),
                        child.logFile());
                child.kill();
                child.awaitExit(Duration.ofSeconds(10));
            }
        }
        LOG.info("Stopped {} in {} ms (process count: {})", description,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), children.size());
    }

    @Override
    public String toString() {
        return description;
    }
}
