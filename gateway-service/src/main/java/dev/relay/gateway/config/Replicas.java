package dev.relay.gateway.config;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * SQL over the {@code replica} table. Times are the database's ({@code now()}), so replicas with skewed clocks still
 * agree on who is live.
 */
public class Replicas {

    private final JdbcClient jdbc;

    public Replicas(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A replica starts (or restarts under the same id): its row begins anew; returns its start time. */
    public Instant register(String replicaId, long configVersion) {
        return jdbc.sql("INSERT INTO replica (replica_id, config_version, started_at, seen_at)"
                        + " VALUES (:id, :version, now(), now())"
                        + " ON CONFLICT (replica_id) DO UPDATE SET config_version = EXCLUDED.config_version,"
                        + " started_at = EXCLUDED.started_at, seen_at = EXCLUDED.seen_at"
                        + " RETURNING started_at")
                .param("id", replicaId)
                .param("version", configVersion)
                .query(Timestamp.class)
                .single()
                .toInstant();
    }

    /** A heartbeat: seen now, serving {@code configVersion} (never lowered: beats may race with each other). */
    public void beat(String replicaId, long configVersion, Instant startedAt) {
        jdbc.sql("INSERT INTO replica (replica_id, config_version, started_at, seen_at)"
                        + " VALUES (:id, :version, :startedAt, now())"
                        + " ON CONFLICT (replica_id) DO UPDATE SET"
                        + " config_version = GREATEST(replica.config_version, EXCLUDED.config_version),"
                        + " seen_at = EXCLUDED.seen_at")
                .param("id", replicaId)
                .param("version", configVersion)
                .param("startedAt", Timestamp.from(startedAt))
                .update();
    }

    public void remove(String replicaId) {
        jdbc.sql("DELETE FROM replica WHERE replica_id = :id")
                .param("id", replicaId)
                .update();
    }

    /** Deletes the rows of replicas not seen for {@code retention} (crashed, never shut down); returns how many. */
    public int prune(Duration retention) {
        return jdbc.sql("DELETE FROM replica WHERE seen_at < now() - :ms * interval '1 millisecond'")
                .param("ms", retention.toMillis())
                .update();
    }

    /** Replicas seen within {@code ttl}, by id. */
    public List<ReplicaStatus> live(Duration ttl) {
        return jdbc.sql("SELECT replica_id, config_version, started_at, seen_at FROM replica"
                        + " WHERE seen_at >= now() - :ms * interval '1 millisecond' ORDER BY replica_id")
                .param("ms", ttl.toMillis())
                .query((rs, row) -> new ReplicaStatus(
                        rs.getString("replica_id"),
                        rs.getLong("config_version"),
                        rs.getTimestamp("started_at").toInstant(),
                        rs.getTimestamp("seen_at").toInstant()))
                .list();
    }
}
