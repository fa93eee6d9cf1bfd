package io.sluice.gateway.backpressure;

import java.util.concurrent.atomic.AtomicInteger;

/** Caps the open ingest connections across the HTTP and TCP listeners. Thread-safe. */
public final class ConnectionLimiter {

    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionLimiter(int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
        }
        this.maxConnections = maxConnections;
    }

    /** Takes a slot for a new connection; returns false, taking nothing, when the cap is reached. */
    public boolean tryAcquire() {
        while (true) {
            int current = open.get();
            if (current >= maxConnections) {
                return false;
            }
            if (open.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Frees the slot of a closed connection. */
    public void release() {
        open.decrementAndGet();
    }

    public int openConnections() {
        return open.get();
    }

    public int maxConnections() {
        return maxConnections;
    }
}
