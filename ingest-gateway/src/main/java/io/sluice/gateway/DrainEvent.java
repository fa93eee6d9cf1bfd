package io.sluice.gateway;

/**
 * User event fired on every ingest channel when a graceful shutdown starts: a channel without a request in
 * progress closes, a busy one finishes its request, sends the response and then closes.
 */
public final class DrainEvent {

    public static final DrainEvent INSTANCE = new DrainEvent();

    private DrainEvent() {
    }
}
