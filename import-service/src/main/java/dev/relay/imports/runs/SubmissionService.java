package dev.relay.imports.runs;

import dev.relay.contracts.AccessOptions;
import dev.relay.contracts.ItemDuplicate;
import dev.relay.contracts.ItemSubmitted;
import dev.relay.contracts.ProtocolHint;
import dev.relay.contracts.SealedSecret;
import dev.relay.contracts.SecretBox;
import dev.relay.imports.ImportConfiguration.KeyHmac;
import dev.relay.imports.ImportProperties;
import dev.relay.imports.hosts.Host;
import dev.relay.imports.hosts.HostService;
import dev.relay.imports.web.ProblemException;
import dev.relay.imports.web.Problems;
import dev.relay.outbox.OutboxWriter;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Accepts an import run: the run, its items (keys sealed, a keyed HMAC for duplicates) and one {@code item.submitted}
 * (or {@code item.duplicate}) per item, all in one transaction through the outbox. Generates the run's client key and
 * keeps it sealed. An {@code Idempotency-Key} replays the very first response (key included) for 24 h; the same key
 * with another request is a 409.
 */
@Service
public class SubmissionService {

    /** The answer: the 201 body, and whether it is a replay. */
    public record Submitted(String body, UUID runId, boolean replayed) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final OutboxWriter outbox;
    private final SecretBox box;
    private final KeyHmac hmac;
    private final HostService hosts;
    private final HostChannels hostChannels;
    private final RunViews views;
    private final ImportProperties properties;
    private final Clock clock;

    public SubmissionService(
            JdbcClient jdbc,
            TransactionTemplate tx,
            OutboxWriter outbox,
            SecretBox box,
            KeyHmac hmac,
            HostService hosts,
            HostChannels hostChannels,
            RunViews views,
            ImportProperties properties,
            Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.box = box;
        this.hmac = hmac;
        this.hosts = hosts;
        this.hostChannels = hostChannels;
        this.views = views;
        this.properties = properties;
        this.clock = clock;
    }

    public Submitted submit(RunRequest req, String idempotencyKey, String requestHash) {
        if (idempotencyKey != null) {
            Optional<Submitted> replay = replay(idempotencyKey, requestHash);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        Host host = hosts.find(req.hostId(), false)
                .orElseThrow(() -> new ProblemException(Problems.validation(
                        List.of(new Problems.FieldError(null, "hostId", "no host '" + req.hostId() + "'")))));
        Map<String, String> unowned = hostChannels.unowned(host);
        try {
            return tx.execute(s -> store(req, host, unowned, idempotencyKey, requestHash));
        } catch (DuplicateKeyException race) {
            // a concurrent request with the same Idempotency-Key won: answer what it answered
            return replay(idempotencyKey, requestHash).orElseThrow(() -> race);
        }
    }

    private Optional<Submitted> replay(String key, String requestHash) {
        if (key == null) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT request_hash, run_id, response FROM idempotency WHERE key = :key AND expires_at > :now")
                .param("key", key)
                .param("now", Timestamp.from(clock.instant()))
                .query((rs, i) -> {
                    if (!rs.getString("request_hash").equals(requestHash)) {
                        throw new ProblemException(Problems.of(
                                HttpStatus.CONFLICT,
                                "idempotency_key_reused",
                                "this Idempotency-Key was used for a different request in the last 24 hours"));
                    }
                    SealedSecret sealed = JSON.readValue(rs.getString("response"), SealedSecret.class);
                    return new Submitted(box.open(sealed), rs.getObject("run_id", UUID.class), true);
                })
                .optional();
    }

    private Submitted store(
            RunRequest req, Host host, Map<String, String> unowned, String idempotencyKey, String requestHash) {
        Instant now = clock.instant();
        // one submission at a time decides duplicates: two concurrent runs with the same key cannot both miss each
        // other
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('relay.imports.submission'))")
                .query()
                .singleRow();
        if (idempotencyKey != null) {
            jdbc.sql("DELETE FROM idempotency WHERE key = :key AND expires_at <= :now")
                    .param("key", idempotencyKey)
                    .param("now", Timestamp.from(now))
                    .update();
        }
        UUID runId = UUID.randomUUID();
        String clientKey = "rk-" + token();
        SealedSecret sealedClientKey = box.seal(clientKey);
        RunRequest.Access a = req.access();
        AccessOptions access = new AccessOptions(
                a.mode(),
                a.consumer(),
                a.balanceTokens(),
                a.allowanceTokens(),
                a.period(),
                a.expiresAt(),
                sealedClientKey);
        jdbc.sql("INSERT INTO import_run (id, name, host_id, status, total, access, smoke_model, created_at)"
                        + " VALUES (:id, :name, :host, 'running', :total, CAST(:access AS jsonb), :smoke, :now)")
                .param("id", runId)
                .param("name", req.name())
                .param("host", host.id())
                .param("total", req.items().size())
                .param("access", JSON.writeValueAsString(access))
                .param("smoke", req.smokeModel())
                .param("now", Timestamp.from(now))
                .update();

        // duplicates: within this run, then against Relay's live items of other runs
        List<String> baseKeys = new ArrayList<>(req.items().size());
        List<String> hmacs = new ArrayList<>(req.items().size());
        for (RunRequest.Item item : req.items()) {
            baseKeys.add(BaseUrlKey.of(item.baseUrl()));
            hmacs.add(hmac.of(item.apiKey()));
        }
        Map<String, UUID[]> live = liveItems(baseKeys, hmacs);
        Map<String, UUID> seenInRun = new HashMap<>();

        for (int i = 0; i < req.items().size(); i++) {
            RunRequest.Item item = req.items().get(i);
            UUID itemId = UUID.randomUUID();
            String dupKey = baseKeys.get(i) + "|" + hmacs.get(i);
            UUID[] dupOf = live.get(dupKey);
            UUID sameRun = seenInRun.putIfAbsent(dupKey, itemId);
            String reason = null;
            if (sameRun != null) {
                dupOf = new UUID[] {runId, sameRun};
                reason = "same API base and key as item " + sameRun + " of this run";
            } else if (dupOf != null) {
                reason = "same API base and key as a live item of run " + dupOf[0];
            }
            List<Map<String, String>> warnings = new ArrayList<>();
            String channel = unowned.get(HostChannels.key(item.baseUrl(), item.apiKey()));
            if (channel != null) {
                warnings.add(Map.of(
                        "code",
                        "POSSIBLE_DUPLICATE",
                        "message",
                        "host channel " + channel + " (not managed by Relay) has the same API base and key"
                                + " fingerprint"));
            }
            SealedSecret sealedKey = box.seal(item.apiKey());
            ProtocolHint hint = item.protocol() == null ? ProtocolHint.AUTO : item.protocol();
            jdbc.sql("INSERT INTO import_item (id, run_id, idx, base_url, normalized_base, api_key, key_hmac,"
                            + " key_fingerprint, protocol_hint, requested_models, aliases, priority, connect_timeout_ms,"
                            + " first_byte_timeout_ms, total_timeout_ms, extra_headers, state, warnings, duplicate_of,"
                            + " updated_at) VALUES (:id, :run, :idx, :base, :norm, CAST(:key AS jsonb), :hmac, :fp,"
                            + " :hint, CAST(:models AS jsonb), CAST(:aliases AS jsonb), :priority, :ct, :fb, :tt,"
                            + " CAST(:headers AS jsonb), :state, CAST(:warnings AS jsonb), :dupOf, :now)")
                    .param("id", itemId)
                    .param("run", runId)
                    .param("idx", i)
                    .param("base", item.baseUrl().strip())
                    .param("norm", baseKeys.get(i))
                    .param("key", JSON.writeValueAsString(sealedKey))
                    .param("hmac", hmacs.get(i))
                    .param("fp", sealedKey.fingerprint())
                    .param("hint", hint.name())
                    .param("models", JSON.writeValueAsString(item.models()))
                    .param("aliases", JSON.writeValueAsString(item.aliases()))
                    .param("priority", item.priority())
                    .param("ct", item.connectTimeoutMs(), java.sql.Types.INTEGER)
                    .param("fb", item.firstByteTimeoutMs(), java.sql.Types.INTEGER)
                    .param("tt", item.totalTimeoutMs(), java.sql.Types.INTEGER)
                    .param("headers", JSON.writeValueAsString(item.extraHeaders()))
                    .param("state", (reason == null ? ItemState.SUBMITTED : ItemState.DUPLICATE).name())
                    .param("warnings", JSON.writeValueAsString(warnings))
                    .param("dupOf", dupOf == null ? null : dupOf[1], java.sql.Types.OTHER)
                    .param("now", Timestamp.from(now))
                    .update();
            if (reason != null) {
                outbox.append(new ItemDuplicate(runId, itemId, dupOf[0], dupOf[1], reason, now));
            } else {
                outbox.append(new ItemSubmitted(
                        runId,
                        itemId,
                        i,
                        1,
                        host.id(),
                        item.baseUrl().strip(),
                        sealedKey,
                        hmacs.get(i),
                        hint,
                        item.models(),
                        item.aliases(),
                        item.priority(),
                        item.connectTimeoutMs(),
                        item.firstByteTimeoutMs(),
                        item.totalTimeoutMs(),
                        item.extraHeaders(),
                        req.smokeModel(),
                        access,
                        now));
            }
        }
        String body = views.created(runId, clientKey);
        if (idempotencyKey != null) {
            jdbc.sql("INSERT INTO idempotency (key, request_hash, run_id, response, expires_at)"
                            + " VALUES (:key, :hash, :run, CAST(:response AS jsonb), :expires)")
                    .param("key", idempotencyKey)
                    .param("hash", requestHash)
                    .param("run", runId)
                    .param("response", JSON.writeValueAsString(box.seal(body)))
                    .param("expires", Timestamp.from(now.plus(properties.idempotencyWindow())))
                    .update();
        }
        return new Submitted(body, runId, false);
    }

    /** Live items (not failed, cancelled, duplicate or rolled back) with these (base, HMAC) pairs: key → {run, item}. */
    private Map<String, UUID[]> liveItems(List<String> bases, List<String> hmacs) {
        Map<String, UUID[]> out = new HashMap<>();
        jdbc.sql("SELECT i.run_id, i.id, i.normalized_base, i.key_hmac FROM import_item i"
                        + " JOIN unnest(CAST(:bases AS text[]), CAST(:hmacs AS text[])) AS w(b, h)"
                        + " ON i.normalized_base = w.b AND i.key_hmac = w.h"
                        + " WHERE i.state NOT IN ('FAILED', 'CANCELLED', 'DUPLICATE', 'ROLLED_BACK')")
                .param("bases", bases.toArray(String[]::new))
                .param("hmacs", hmacs.toArray(String[]::new))
                .query(rs -> {
                    out.putIfAbsent(
                            rs.getString("normalized_base") + "|" + rs.getString("key_hmac"),
                            new UUID[] {rs.getObject("run_id", UUID.class), rs.getObject("id", UUID.class)});
                });
        return out;
    }

    private static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
