package dev.kickwatch.sink;

/** A sink's peer is down, slow or overloaded: counted by its circuit breaker. Carries no URL. */
public class SinkUnavailableException extends RuntimeException {

    public SinkUnavailableException(String message) {
        super(message, null, false, false);
    }
}
