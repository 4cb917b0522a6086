package dev.relay.gateway.config;

/**
 * A created (or replayed) client key. {@code plaintext} is set only on the first creation, to be shown once; a replay
 * cannot return it because only its hash is stored.
 */
public record CreatedKey(KeyRecord record, String plaintext) {

    @Override
    public String toString() {
        return "CreatedKey[record=" + record + ", plaintext=" + (plaintext == null ? "none" : "***") + "]";
    }
}
