package dev.relay.reconcile.hosts;

import dev.relay.contracts.EventCodec;
import dev.relay.contracts.HostRegistered;
import dev.relay.contracts.HostUpdated;
import dev.relay.contracts.SealedSecret;
import dev.relay.contracts.edge.EdgeHost;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** The hosts reconcile-service reads, from host events (the newest wins); the admin token stays sealed. */
@Component
public class Hosts {

    private final JdbcClient jdbc;

    public Hosts(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void registered(HostRegistered e) {
        upsert(e.hostId(), e.name(), e.adminUrl(), e.adminToken(), e.clientUrl(), e.occurredAt());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void updated(HostUpdated e) {
        upsert(e.hostId(), e.name(), e.adminUrl(), e.adminToken(), e.clientUrl(), e.occurredAt());
    }

    private void upsert(String id, String name, String adminUrl, SealedSecret token, String clientUrl, Instant at) {
        jdbc.sql("INSERT INTO host (id, name, admin_url, admin_token, client_url, updated_at)"
                        + " VALUES (:id, :name, :admin, CAST(:token AS jsonb), :client, :at)"
                        + " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, admin_url = EXCLUDED.admin_url,"
                        + " admin_token = EXCLUDED.admin_token, client_url = EXCLUDED.client_url,"
                        + " updated_at = EXCLUDED.updated_at WHERE host.updated_at <= EXCLUDED.updated_at")
                .param("id", id)
                .param("name", name)
                .param("admin", adminUrl)
                .param("token", EventCodec.mapper().writeValueAsString(token))
                .param("client", clientUrl)
                .param("at", Timestamp.from(at))
                .update();
    }

    public Optional<EdgeHost> find(String id) {
        return jdbc.sql("SELECT id, admin_url, admin_token::text AS token, client_url FROM host WHERE id = :id")
                .param("id", id)
                .query((rs, i) -> new EdgeHost(
                        rs.getString("id"),
                        rs.getString("admin_url"),
                        EventCodec.mapper().readValue(rs.getString("token"), SealedSecret.class),
                        rs.getString("client_url")))
                .optional();
    }

    public List<String> ids() {
        return jdbc.sql("SELECT id FROM host ORDER BY id").query(String.class).list();
    }
}
