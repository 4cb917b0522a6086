package dev.relay.contracts;

import java.time.Instant;

/**
 * An operator registered a host (an edge) the control plane provisions into; its admin token travels sealed.
 *
 * @param adminUrl the edge's admin API base, e.g. {@code http://127.0.0.1:8080/admin/v1}
 * @param clientUrl the address clients use, e.g. {@code http://127.0.0.1:8080}
 */
public record HostRegistered(
        String hostId, String name, String adminUrl, SealedSecret adminToken, String clientUrl, Instant occurredAt)
        implements RelayEvent {
    @Override
    public EventType eventType() {
        return EventType.HOST_REGISTERED;
    }

    @Override
    public String aggregateId() {
        return hostId;
    }
}
