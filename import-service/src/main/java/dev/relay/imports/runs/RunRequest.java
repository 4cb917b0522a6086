package dev.relay.imports.runs;

import dev.relay.contracts.AccessMode;
import dev.relay.contracts.ProtocolHint;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A validated import-run request, whatever format it came in. */
public record RunRequest(String name, String hostId, Access access, String smokeModel, List<Item> items) {

    public record Access(
            AccessMode mode,
            String consumer,
            Long balanceTokens,
            Long allowanceTokens,
            String period,
            Instant expiresAt) {}

    /** One line of the batch. {@code apiKey} is the plaintext; it never leaves this service unsealed. */
    public record Item(
            String baseUrl,
            String apiKey,
            ProtocolHint protocol,
            List<String> models,
            Map<String, String> aliases,
            int priority,
            Integer connectTimeoutMs,
            Integer firstByteTimeoutMs,
            Integer totalTimeoutMs,
            Map<String, String> extraHeaders) {
        @Override
        public String toString() {
            return "Item[baseUrl=" + baseUrl + ", apiKey=***]";
        }
    }
}
