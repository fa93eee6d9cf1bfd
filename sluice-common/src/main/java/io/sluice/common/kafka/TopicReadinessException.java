package io.sluice.common.kafka;

/** Topics are missing, could not be created, or did not become ready in time. The message names them. */
public class TopicReadinessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TopicReadinessException(String message) {
        super(message);
    }

    public TopicReadinessException(String message, Throwable cause) {
        super(message, cause);
    }
}
