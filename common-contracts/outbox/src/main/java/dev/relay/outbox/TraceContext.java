package dev.relay.outbox;

/** Supplies the W3C {@code traceparent} of the current request, if any, for the outbox row's header. */
@FunctionalInterface
public interface TraceContext {
    TraceContext NONE = () -> null;

    String currentTraceparent();
}
