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
 * The global pause stops only reads that feed the producer, as set by the channel's {@link PauseScope}: every
 * read of a raw TCP channel, but on an HTTP channel only the body of an accepted ingest request. An HTTP channel
 * between requests keeps reading while paused, so it parses request heads and responds at once to requests
 * that need no producer. A channel reads only when no reason applies.
 *
 * <p>Thread ownership: {@link #pause()} and {@link #resume()} may run on any thread (an event loop or the
 * producer retry thread). The per-channel attributes are written only on the channel's event loop; pause() also
 * reads them, which is safe because attributes are atomic references. The final auto-read decision for a channel
 * is always taken on its event loop, so a pause racing with a resume, or with a request body that starts or
 * ends, ends with the state the last call set.
 */
public final class ReadGate {

    /** Scope of the global pause on one channel: the reads it stops. */
    public enum PauseScope {
        /** Every read feeds the producer, as on a raw TCP connection. */
        ALL_READS,
        /** Only a request body between {@link #startBody} and {@link #release} feeds the producer, as on HTTP. */
        REQUEST_BODIES
    }

    private static final Logger log = LoggerFactory.getLogger(ReadGate.class);
    private static final AttributeKey<PauseScope> SCOPE = AttributeKey.valueOf("sluice.gateway.pauseScope");
    private static final AttributeKey<Boolean> HELD = AttributeKey.valueOf("sluice.gateway.readHeld");
    private static final AttributeKey<Boolean> READING_BODY = AttributeKey.valueOf("sluice.gateway.readingBody");

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
     * Adds an ingest channel; call on its event loop before the first read. A channel with {@link
     * PauseScope#ALL_READS} accepted while paused starts paused; one with {@link PauseScope#REQUEST_BODIES} starts
     * reading, so its first request head is read and gets its response even during a pause.
     */
    public void register(Channel channel, PauseScope scope) {
        channel.attr(SCOPE).set(scope);
        channels.add(channel);
        channel.closeFuture().addListener(future -> channels.remove(channel));
        if (paused && isInPauseScope(channel)) {
            channel.config().setAutoRead(false);
        }
    }

    /** Stops reads that feed the producer because its buffer is full; no-op when already paused. */
    public void pause() {
        synchronized (stateLock) {
            if (paused) {
                return;
            }
            paused = true;
            pausedSinceNanos = nanoClock.getAsLong();
            pauseCount++;
        }
        log.debug("Producer buffer full: pausing reads that feed the producer on {} ingest connections",
                channels.size());
        for (Channel channel : channels) {
            if (isInPauseScope(channel)) {
                // Turning auto-read off from this thread stops the current read loop at once. The event loop
                // task then sets the final state, in case a resume or the end of a request body raced with it.
                channel.config().setAutoRead(false);
            }
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

    /**
     * Marks the start of a request body that feeds the producer, so the global pause applies to the channel until
     * {@link #release}. While paused this turns auto-read off at once; call on the channel's event loop.
     */
    public void startBody(Channel channel) {
        channel.attr(READING_BODY).set(Boolean.TRUE);
        apply(channel);
    }

    /** Stops reads on one channel until {@link #release}; call on the channel's event loop. */
    public void hold(Channel channel) {
        channel.attr(HELD).set(Boolean.TRUE);
        apply(channel);
    }

    /**
     * Removes the per-channel hold and ends the request body, so the channel reads again unless the global pause
     * applies to all its reads. Call on the event loop, as the last step of an exchange: turning auto-read on
     * can deliver a message queued in {@code FlowControlHandler} before this method returns.
     */
    public void release(Channel channel) {
        channel.attr(HELD).set(null);
        channel.attr(READING_BODY).set(null);
        apply(channel);
    }

    public boolean isPaused() {
        return paused;
    }

    /** True when this gate keeps {@code channel} from reading: a hold, or the global pause within its scope. */
    public boolean isReadStopped(Channel channel) {
        return channel.attr(HELD).get() != null || (paused && isInPauseScope(channel));
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

    /** True when the global pause stops this channel's reads now; a channel without a scope counts as ALL_READS. */
    private static boolean isInPauseScope(Channel channel) {
        if (channel.attr(SCOPE).get() != PauseScope.REQUEST_BODIES) {
            return true;
        }
        return channel.attr(READING_BODY).get() != null;
    }

    private void apply(Channel channel) {
        boolean shouldRead = channel.isActive() && !isReadStopped(channel);
        if (channel.config().isAutoRead() == shouldRead) {
            return;
        }
        // setAutoRead(true) also requests a read, which lets FlowControlHandler release a queued message.
        channel.config().setAutoRead(shouldRead);
    }
}
