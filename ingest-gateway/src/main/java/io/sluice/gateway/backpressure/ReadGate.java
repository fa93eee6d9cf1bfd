package io.sluice.gateway.backpressure;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns auto-read on and off for every ingest channel. Two reasons stop a channel from reading: the global
 * pause while the producer buffer is full, and a per-channel hold while an HTTP request waits for its acks.
 * A channel reads only when neither applies.
 *
 * <p>Thread ownership: {@link #pause()} and {@link #resume()} may run on any thread (an event loop or the
 * producer retry thread). The per-channel hold is read and written only on the channel's event loop, and the
 * final auto-read decision for a channel is always taken there, so a pause racing with a resume ends with the
 * state the last call set.
 */
public final class ReadGate {

    private static final Logger log = LoggerFactory.getLogger(ReadGate.class);
    private static final AttributeKey<Boolean> HELD = AttributeKey.valueOf("sluice.gateway.readHeld");

    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final LongSupplier nanoClock;
    private final Object stateLock = new Object();

    // Guarded by stateLock; paused is also volatile so event loops can read it without the lock.
    private volatile boolean paused;
    private long pausedSinceNanos;
    private long pausedNanosBefore;
    private long pauseCount;

    /** Creates a gate; {@code nanoClock} is a monotonic clock in nanoseconds, such as {@code System::nanoTime}. */
    public ReadGate(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Adds an ingest channel; called on its event loop before the first read, so a new channel starts paused.
     * NOTE: a connection accepted while paused cannot get even an error response (404, 415) until reads resume.
     */
    public void register(Channel channel) {
        channels.add(channel);
        channel.closeFuture().addListener(future -> channels.remove(channel));
        if (paused) {
            channel.config().setAutoRead(false);
        }
    }

    /** Stops reads on every ingest channel because the producer buffer is full; no-op when already paused. */
    public void pause() {
        synchronized (stateLock) {
            if (paused) {
                return;
            }
            paused = true;
            pausedSinceNanos = nanoClock.getAsLong();
            pauseCount++;
        }
        log.debug("Producer buffer full: pausing reads on {} ingest connections", channels.size());
        for (Channel channel : channels) {
            // Turning auto-read off from this thread stops the current read loop at once. The event loop task
            // then sets the final state, in case a resume raced with this pause.
            channel.config().setAutoRead(false);
            channel.eventLoop().execute(() -> apply(channel));
        }
    }

    /** Lets every channel that has no hold of its own read again; no-op when not paused. */
    public void resume() {
        synchronized (stateLock) {
            if (!paused) {
                return;
            }
            paused = false;
            pausedNanosBefore += nanoClock.getAsLong() - pausedSinceNanos;
        }
        log.debug("Producer buffer drained: resuming reads on {} ingest connections", channels.size());
        for (Channel channel : channels) {
            channel.eventLoop().execute(() -> apply(channel));
        }
    }

    /** Stops reads on one channel until {@link #release}; call on the channel's event loop. */
    public void hold(Channel channel) {
        channel.attr(HELD).set(Boolean.TRUE);
        apply(channel);
    }

    /** Removes the per-channel hold and reads again unless the global pause applies; call on the event loop. */
    public void release(Channel channel) {
        channel.attr(HELD).set(null);
        apply(channel);
    }

    public boolean isPaused() {
        return paused;
    }

    public long pauseCount() {
        synchronized (stateLock) {
            return pauseCount;
        }
    }

    /** Total time spent paused, including the pause in progress. */
    public double pausedSeconds() {
        synchronized (stateLock) {
            long nanos = pausedNanosBefore + (paused ? nanoClock.getAsLong() - pausedSinceNanos : 0);
            return nanos / 1e9;
        }
    }

    private void apply(Channel channel) {
        boolean shouldRead = !paused && channel.attr(HELD).get() == null && channel.isActive();
        if (channel.config().isAutoRead() == shouldRead) {
            return;
        }
        // setAutoRead(true) also requests a read, which lets FlowControlHandler release a queued message.
        channel.config().setAutoRead(shouldRead);
    }
}
