package dev.relay.imports.runs;

import dev.relay.contracts.SecretBox;
import dev.relay.imports.hosts.Host;
import dev.relay.imports.hosts.HostService;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The host's channels that Relay does not own, by (API base, credential fingerprint), read once per submission from
 * the host's admin API: an item matching one is reported as a possible duplicate (a warning, not a refusal: the
 * fingerprint is short, and an operator may mean to import a key twice on purpose). When the host cannot be read the
 * check is skipped and the run goes on.
 */
@Component
public class HostChannels {

    private static final Logger log = LoggerFactory.getLogger(HostChannels.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * The {@code managedBy} of everything Relay's control plane creates on a host (access-service's
     * {@code relay.access.managed-by} default; this said "access-service" before, so Relay's own channels were taken
     * for the operator's).
     */
    public static final String RELAY_OWNER = "relay-access";

    private final HostService hosts;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public HostChannels(HostService hosts) {
        this.hosts = hosts;
    }

    /** (base URL key + "|" + fingerprint) → channel id, for channels not managed by Relay; empty if unreadable. */
    public Map<String, String> unowned(Host host) {
        Map<String, String> out = new HashMap<>();
        String after = null;
        try {
            do {
                // only what Relay does not own, page by page: a host holding thousands of Relay's channels costs
                // this check nothing more
                String query = "?notManagedBy=" + URLEncoder.encode(RELAY_OWNER, StandardCharsets.UTF_8) + "&limit=1000"
                        + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(host.adminUrl() + "/channels" + query))
                                .timeout(Duration.ofSeconds(3))
                                .header("Authorization", "Bearer " + hosts.adminToken(host))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    log.warn(
                            "host {}: GET /channels answered {}; the possible-duplicate check is skipped",
                            host.id(),
                            r.statusCode());
                    return new HashMap<>();
                }
                JsonNode page = JSON.readTree(r.body());
                for (JsonNode ch : page.path("data").values()) {
                    String base = ch.path("baseUrl").asString("");
                    String fp = ch.path("credentialFingerprint").asString("");
                    if (!base.isEmpty() && !fp.isEmpty()) {
                        try {
                            out.put(
                                    BaseUrlKey.of(base) + "|" + fp,
                                    ch.path("id").asString(""));
                        } catch (RuntimeException ignored) {
                            // a channel URL we cannot read is no duplicate of a valid item
                        }
                    }
                }
                JsonNode next = page.path("next");
                after = next.isString() && !next.asString().isEmpty() ? next.asString() : null;
            } while (after != null);
        } catch (Exception e) {
            log.warn(
                    "host {}: its channels could not be read ({}); the possible-duplicate check is skipped",
                    host.id(),
                    e.getClass().getSimpleName());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new HashMap<>();
        }
        return out;
    }

    static String key(String baseUrl, String apiKey) {
        return BaseUrlKey.of(baseUrl) + "|" + SecretBox.fingerprint(apiKey);
    }
}
