package dev.relay.imports.hosts;

import dev.relay.contracts.HostRegistered;
import dev.relay.contracts.HostUpdated;
import dev.relay.contracts.SealedSecret;
import dev.relay.contracts.SecretBox;
import dev.relay.imports.web.ProblemException;
import dev.relay.imports.web.Problems;
import dev.relay.imports.web.Problems.FieldError;
import dev.relay.outbox.OutboxWriter;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Registers hosts and announces them ({@code host.registered} / {@code host.updated}) through the outbox. */
@Service
public class HostService {

    /** A host registration: every field validated, the token sealed before it is stored. */
    public record Registration(String id, String name, String adminUrl, String adminToken, String clientUrl) {}

    /** The outcome: the host, and whether it was created, changed or already so. */
    public record Registered(Host host, boolean created, boolean changed) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final SecretBox box;
    private final OutboxWriter outbox;
    private final Clock clock;

    public HostService(JdbcClient jdbc, SecretBox box, OutboxWriter outbox, Clock clock) {
        this.jdbc = jdbc;
        this.box = box;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Transactional
    public Registered register(Registration r) {
        List<FieldError> errors = new ArrayList<>();
        String id = r.id() == null || r.id().isBlank()
                ? "host-" + UUID.randomUUID().toString().substring(0, 8)
                : r.id();
        if (!id.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            errors.add(new FieldError(null, "id", "lower-case letters, digits and '-', at most 64"));
        }
        if (r.name() == null || r.name().isBlank() || r.name().length() > 200) {
            errors.add(new FieldError(null, "name", "required, at most 200 characters"));
        }
        url(r.adminUrl(), "adminUrl", errors);
        url(r.clientUrl(), "clientUrl", errors);
        if (r.adminToken() == null || r.adminToken().isBlank() || r.adminToken().length() > 512) {
            errors.add(new FieldError(null, "adminToken", "required, at most 512 characters"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problems.validation(errors));
        }
        String adminUrl = trimSlash(r.adminUrl());
        String clientUrl = trimSlash(r.clientUrl());
        Instant now = clock.instant();
        Optional<Host> existing = find(id, true);
        if (existing.isPresent()) {
            Host h = existing.get();
            boolean same = h.name().equals(r.name())
                    && h.adminUrl().equals(adminUrl)
                    && h.clientUrl().equals(clientUrl)
                    && box.open(h.adminToken()).equals(r.adminToken());
            if (same) {
                return new Registered(h, false, false);
            }
            SealedSecret token = box.seal(r.adminToken());
            jdbc.sql("UPDATE host SET name = :name, admin_url = :admin, admin_token = CAST(:token AS jsonb),"
                            + " client_url = :client, updated_at = :now WHERE id = :id")
                    .param("name", r.name())
                    .param("admin", adminUrl)
                    .param("token", JSON.writeValueAsString(token))
                    .param("client", clientUrl)
                    .param("now", Timestamp.from(now))
                    .param("id", id)
                    .update();
            outbox.append(new HostUpdated(id, r.name(), adminUrl, token, clientUrl, now));
            return new Registered(new Host(id, r.name(), adminUrl, token, clientUrl, h.createdAt(), now), false, true);
        }
        SealedSecret token = box.seal(r.adminToken());
        jdbc.sql("INSERT INTO host (id, name, admin_url, admin_token, client_url, created_at, updated_at)"
                        + " VALUES (:id, :name, :admin, CAST(:token AS jsonb), :client, :now, :now)")
                .param("id", id)
                .param("name", r.name())
                .param("admin", adminUrl)
                .param("token", JSON.writeValueAsString(token))
                .param("client", clientUrl)
                .param("now", Timestamp.from(now))
                .update();
        outbox.append(new HostRegistered(id, r.name(), adminUrl, token, clientUrl, now));
        return new Registered(new Host(id, r.name(), adminUrl, token, clientUrl, now, now), true, true);
    }

    public Optional<Host> find(String id, boolean forUpdate) {
        return jdbc.sql("SELECT * FROM host WHERE id = :id" + (forUpdate ? " FOR UPDATE" : ""))
                .param("id", id)
                .query((rs, i) -> new Host(
                        rs.getString("id"),
                        rs.getString("name"),
                        rs.getString("admin_url"),
                        JSON.readValue(rs.getString("admin_token"), SealedSecret.class),
                        rs.getString("client_url"),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("updated_at").toInstant()))
                .optional();
    }

    public Host require(String id) {
        return find(id, false)
                .orElseThrow(() -> new ProblemException(
                        Problems.of(HttpStatus.NOT_FOUND, "host_not_found", "no host '" + id + "'")));
    }

    public List<Host> list() {
        return jdbc.sql("SELECT id FROM host ORDER BY id").query(String.class).list().stream()
                .map(this::require)
                .toList();
    }

    /** The admin token in clear, for the service's own calls to the host's admin API. Never returned by the API. */
    public String adminToken(Host h) {
        return box.open(h.adminToken());
    }

    private static void url(String v, String field, List<FieldError> errors) {
        try {
            URI u = new URI(v == null ? "" : v.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || u.getHost() == null
                    || u.getRawUserInfo() != null
                    || u.getRawQuery() != null) {
                errors.add(new FieldError(null, field, "an absolute http(s) URL without user info or query"));
            }
        } catch (Exception e) {
            errors.add(new FieldError(null, field, "not a valid URL"));
        }
    }

    private static String trimSlash(String s) {
        String t = s.trim();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }
}
