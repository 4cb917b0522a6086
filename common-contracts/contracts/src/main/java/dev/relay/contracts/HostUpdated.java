package dev.relay.contracts;

import java.time.Instant;

/**
 * A host's addresses or admin token changed; the token travels sealed.
 *
 * @param adminUrl the edge's admin API base, e.g. {@code http://127.0.0.1:8080/admin/v1}
 * @param clientUrl the address clients use, e.g. {@code http://127.0.0.1:8080}
 */
public record HostUpdated(
        String hostId, String name, String adminUrl, SealedSecret adminToken, String clientUrl, Instant occurredAt)
        implements RelayEvent {
    @Override
    public EventType eventType() {
        return EventType.HOST_UPDATED;
    }

    @Override
    public String aggregateId() {
        return hostId;
    }
}
