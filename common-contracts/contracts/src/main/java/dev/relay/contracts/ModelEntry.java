package dev.relay.contracts;

/**
 * One model an item exposes: its public name (the alias, else the corrected upstream name), the upstream's name, what
 * kind of model it is, and whether a smoke call proved it (false: listed by the upstream but not called).
 */
public record ModelEntry(String publicName, String upstreamName, ModelKind kind, boolean tested) {
    public enum ModelKind {
        CHAT,
        EMBEDDING
    }
}
