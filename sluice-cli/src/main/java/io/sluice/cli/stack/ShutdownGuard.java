package io.sluice.cli.stack;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes registered resources in reverse order of registration, either when the owner calls {@link #close()} or
 * from a JVM shutdown hook on Ctrl-C or SIGTERM. Register the embedded stack first and what writes to it after,
 * so PostgreSQL and Kafka are closed last: the embedded PostgreSQL has no shutdown hook of its own.
 *
 * <p>Thread ownership: {@link #register} runs on the owner's thread, {@link #close()} on the owner's thread or on
 * the shutdown hook thread; both synchronize on this guard, so each resource is closed once.
 */
public final class ShutdownGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownGuard.class);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Thread hook;
    private boolean closed;

    private ShutdownGuard(String name) {
        this.hook = new Thread(this::closeFromHook, name);
    }

    /** Creates a guard and adds its JVM shutdown hook, named {@code threadName}. */
    public static ShutdownGuard install(String threadName) {
        ShutdownGuard guard = new ShutdownGuard(threadName);
        Runtime.getRuntime().addShutdownHook(guard.hook);
        return guard;
    }

    /**
     * Adds {@code resource}, which is closed before every resource registered earlier, and returns it. When the guard
     * was already closed, for example by Ctrl-C during a slow start, the resource is closed at once.
     */
    public synchronized <T extends AutoCloseable> T register(T resource) {
        resources.push(resource);
        if (closed) {
            closeAll();
        }
        return resource;
    }

    /** Closes every registered resource, newest first, and removes the shutdown hook. */
    @Override
    public void close() {
        removeHook();
        closeAll();
    }

    private void closeFromHook() {
        LOG.info("Shutdown requested; closing {} resources, newest first", resourceCount());
        closeAll();
    }

    private synchronized int resourceCount() {
        return resources.size();
    }

    private synchronized void closeAll() {
        closed = true;
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("Interrupted while closing {}; closing the rest", resource, e);
            } catch (Exception e) {
                LOG.warn("Closing {} failed; closing the rest", resource, e);
            }
        }
    }

    private void removeHook() {
        if (Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and the hook is running or about to run; closing twice is harmless.
            LOG.debug("Shutdown already in progress; the hook closes the resources too");
        }
    }
}
