package dev.relay.access.edge;

import dev.relay.access.AccessProperties;
import dev.relay.access.hosts.Host;
import dev.relay.access.hosts.Hosts;
import dev.relay.contracts.SecretBox;
import dev.relay.contracts.edge.EdgeAdmin;
import dev.relay.contracts.edge.EdgeAdminException;
import dev.relay.contracts.edge.EdgeHost;
import java.net.http.HttpClient;
import org.springframework.stereotype.Component;

/** Gives the admin API of a known host. */
@Component
public class EdgeAdmins {

    private final Hosts hosts;
    private final SecretBox box;
    private final HttpClient http;
    private final AccessProperties properties;

    public EdgeAdmins(Hosts hosts, SecretBox box, HttpClient http, AccessProperties properties) {
        this.hosts = hosts;
        this.box = box;
        this.http = http;
        this.properties = properties;
    }

    /** The host's admin API; an unknown host is a retryable failure (its registration may not have arrived yet). */
    public EdgeAdmin forHost(String hostId) {
        Host h = hosts.find(hostId)
                .orElseThrow(() -> new EdgeAdminException(
                        0, "host_unknown", "host " + hostId + " is not known to access-service (yet)", null));
        return forHost(h);
    }

    public EdgeAdmin forHost(Host h) {
        return new EdgeAdmin(
                new EdgeHost(h.id(), h.adminUrl(), h.adminToken(), h.clientUrl()),
                box,
                http,
                properties.adminTimeout());
    }

    /** How long a replica list that already showed every replica at a version answers for that version. */
    static final java.time.Duration REPLICAS_REUSE = java.time.Duration.ofSeconds(2);

    private record Seen(EdgeAdmin.Replicas replicas, long lowest, long at) {}

    private final java.util.concurrent.ConcurrentHashMap<String, Seen> replicasSeen =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The host's live replicas, for a caller that needs every one of them at {@code atLeast} or newer: a list read in
     * the last {@link #REPLICAS_REUSE} in which every replica already served that version answers without asking the
     * host again (a replica that started since loaded everything committed before it started, so a version committed
     * before the call is in it). Many items confirming at once then cost a few reads, not one each.
     */
    public EdgeAdmin.Replicas replicasServing(EdgeAdmin admin, long atLeast) {
        String host = admin.host().id();
        Seen seen = replicasSeen.get(host);
        if (seen != null && seen.lowest() >= atLeast && System.nanoTime() - seen.at() < REPLICAS_REUSE.toNanos()) {
            return seen.replicas();
        }
        EdgeAdmin.Replicas now = admin.replicas();
        long lowest = now.replicas().isEmpty()
                ? Long.MIN_VALUE
                : now.replicas().stream()
                        .mapToLong(EdgeAdmin.Replica::configVersion)
                        .min()
                        .getAsLong();
        replicasSeen.put(host, new Seen(now, lowest, System.nanoTime()));
        return now;
    }
}
