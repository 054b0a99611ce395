package dev.kickwatch.sink;

/** A sink's peer is down, slow or overloaded: a circuit-breaker failure; the message is journaled. Carries no URL. */
public class SinkUnavailableException extends RuntimeException {

    public SinkUnavailableException(String message) {
        super(message, null, false, false);
    }
}
