package dev.relay.access.edge;

import dev.relay.access.AccessProperties;
import dev.relay.access.hosts.Host;
import dev.relay.access.hosts.Hosts;
import dev.relay.contracts.SecretBox;
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
        return new EdgeAdmin(h, box, http, properties.adminTimeout());
    }
}
