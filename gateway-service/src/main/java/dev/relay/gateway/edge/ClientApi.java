package dev.relay.gateway.edge;

/** Which API's shapes (errors, model list, request ids) a request gets. */
public enum ClientApi {
    OPENAI,
    ANTHROPIC;

    /** The label in metrics and the debug ring. */
    public String label() {
        return this == ANTHROPIC ? "anthropic" : "openai";
    }
}
