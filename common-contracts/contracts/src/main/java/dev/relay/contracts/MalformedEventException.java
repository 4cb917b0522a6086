package dev.relay.contracts;

/** An event on the wire that cannot be read: unknown type, missing field, bad JSON. Never retried; dead-lettered. */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
