package dev.relay.gateway.config;

import dev.relay.contracts.GatewayConfigChanged;
import dev.relay.contracts.GatewayConfigChanged.ChangeKind;
import dev.relay.contracts.RelayEvent;
import dev.relay.contracts.SealedSecret;
import dev.relay.contracts.SecretBox;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ChannelStatus;
import dev.relay.gateway.routing.ClientKeys;
import dev.relay.outbox.OutboxWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every change of the edge's configuration. Each change is one transaction: the row change, {@code config_version + 1}
 * (under its row lock, so versions commit in order) and a {@code gateway.config-changed} outbox row; Debezium relays
 * the event to every replica. After the commit this replica waits until its own snapshot serves the change before
 * returning, so the caller reads its write here at once (when the change joined a caller's transaction, the reload
 * runs after that commits, in the background). Concurrent writers share those reloads.
 *
 * <p>Creates are idempotent on ({@code managedBy}, {@code externalRef}): the same pair returns the existing resource
 * ({@link WriteResult#replayed()}) without a version bump, or fails with a conflict when the request differs in a
 * material field; two concurrent creates of one pair meet on the unique constraint and the loser returns the winner.
 * Updates and deletes honour a {@link Precondition} on the row version.
 */
public class ConfigService {

    public static final String CHANNEL = "channel";
    public static final String GROUP = "group";
    public static final String KEY = "key";

    private static final int CREATE_ATTEMPTS = 3;

    private final ConfigRepository repository;
    private final TransactionTemplate tx;
    private final OutboxWriter outbox;
    private final SecretBox secretBox;
    private final Clock clock;
    private final SnapshotLoader snapshots;

    /** Tells this replica's health logic, after the commit, that a channel was re-enabled or deleted. */
    private final ApplicationEventPublisher publisher;

    public ConfigService(
            ConfigRepository repository,
            PlatformTransactionManager transactionManager,
            OutboxWriter outbox,
            SecretBox secretBox,
            Clock clock,
            SnapshotLoader snapshots,
            ApplicationEventPublisher publisher) {
        this.publisher = publisher;
        this.repository = repository;
        this.tx = new TransactionTemplate(transactionManager);
        this.outbox = outbox;
        this.secretBox = secretBox;
        this.clock = clock;
        this.snapshots = snapshots;
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    public List<ChannelRecord> channels(ConfigFilter filter) {
        return repository.listChannels(filter);
    }

    public ChannelRecord channel(String id) {
        return repository.findChannel(id, false).orElseThrow(() -> ConfigException.notFound(CHANNEL, id));
    }

    public List<GroupRecord> groups(ConfigFilter filter) {
        return repository.listGroups(filter);
    }

    public GroupRecord group(String id) {
        return repository.findGroup(id, false).orElseThrow(() -> ConfigException.notFound(GROUP, id));
    }

    public List<KeyRecord> keys(ConfigFilter filter) {
        return repository.listKeys(filter);
    }

    public KeyRecord key(String id) {
        return repository.findKey(id, false).orElseThrow(() -> ConfigException.notFound(KEY, id));
    }

    /** The committed config version (the database's, not this replica's snapshot). */
    public long storedVersion() {
        return repository.currentVersion();
    }

    // ---- channels ----------------------------------------------------------------------------------------------

    public WriteResult<ChannelRecord> createChannel(ChannelSpec spec) {
        if (spec.credential() == null) {
            throw ConfigException.invalid("missing_field", "credential", "credential is required");
        }
        return createIdempotently(() -> {
            if (spec.externalRef() != null) {
                Optional<ChannelRecord> existing = repository.findChannelByRef(spec.managedBy(), spec.externalRef());
                if (existing.isPresent()) {
                    return WriteResult.replayed(sameChannel(existing.get(), spec), repository.currentVersion());
                }
            }
            requireGroups(spec.groups());
            Instant now = now();
            ChannelRecord r = new ChannelRecord(
                    newId("ch"), spec.withCredential(null), secretBox.seal(spec.credential()), 1, now, now);
            repository.insertChannel(r);
            return WriteResult.created(r, changed(CHANNEL, r.id(), ChangeKind.CREATED));
        });
    }

    /** Replaces the channel (a null credential keeps the stored one). */
    public WriteResult<ChannelRecord> replaceChannel(String id, Precondition precondition, ChannelSpec spec) {
        return updateChannel(id, precondition, current -> spec);
    }

    /**
     * Applies {@code change} to the channel under its row lock (so a read-modify-write such as a PATCH cannot lose a
     * concurrent update). An update that changes nothing commits nothing.
     */
    public WriteResult<ChannelRecord> updateChannel(
            String id, Precondition precondition, Function<ChannelRecord, ChannelSpec> change) {
        return write(() -> {
            ChannelRecord current = lockedChannel(id, precondition);
            ChannelSpec next = Objects.requireNonNull(change.apply(current), "change");
            SealedSecret credential = current.credential();
            boolean credentialChanged = false;
            if (next.credential() != null && !sameSecret(next.credential(), openOrNull(current.credential()))) {
                credential = secretBox.seal(next.credential());
                credentialChanged = true;
            }
            ChannelSpec stored = next.withCredential(null);
            if (!credentialChanged && stored.equals(current.spec())) {
                return WriteResult.unchanged(current, repository.currentVersion());
            }
            if (!new HashSet<>(current.spec().groups()).containsAll(stored.groups())) {
                requireGroups(stored.groups());
            }
            ChannelRecord r =
                    new ChannelRecord(id, stored, credential, current.version() + 1, current.createdAt(), now());
            repository.updateChannel(r);
            ChangeKind kind = !credentialChanged
                            && stored.withStatus(
                                            current.spec().status(),
                                            current.spec().statusReason())
                                    .equals(current.spec())
                    ? statusChange(stored.status() == ChannelStatus.ENABLED)
                    : ChangeKind.UPDATED;
            return WriteResult.changed(r, changed(CHANNEL, id, kind));
        });
    }

    /**
     * Sets the channel's status; {@code reason} is kept as {@code statusReason} (enabling clears it). Setting the
     * status it already has changes nothing. {@link ChannelStatus#AUTO_DISABLED} is for the gateway's own health logic.
     */
    public WriteResult<ChannelRecord> setChannelStatus(
            String id, Precondition precondition, ChannelStatus status, String reason) {
        return updateChannel(id, precondition, current -> {
            String nextReason = status == ChannelStatus.ENABLED
                    ? null
                    : reason != null ? reason : current.spec().statusReason();
            return current.spec().withStatus(status, nextReason);
        });
    }

    /**
     * The edge's health logic takes an ENABLED channel out of rotation ({@link ChannelStatus#AUTO_DISABLED}, with its
     * reason), through the same write path as every other channel change (version, {@code gateway.config-changed},
     * replicas reload); {@code alsoAppend} are events written in the same transaction. Returns false, changing
     * nothing, when the channel is gone or no longer ENABLED (disabled by another replica or by an operator).
     */
    public boolean autoDisableChannel(String id, String reason, List<RelayEvent> alsoAppend) {
        WriteResult<ChannelRecord> r = write(() -> {
            ChannelRecord current = repository.findChannel(id, true).orElse(null);
            if (current == null || current.spec().status() != ChannelStatus.ENABLED) {
                return WriteResult.unchanged(current, repository.currentVersion());
            }
            ChannelRecord next = new ChannelRecord(
                    id,
                    current.spec().withStatus(ChannelStatus.AUTO_DISABLED, reason),
                    current.credential(),
                    current.version() + 1,
                    current.createdAt(),
                    now());
            repository.updateChannel(next);
            WriteResult<ChannelRecord> changed = WriteResult.changed(next, changed(CHANNEL, id, ChangeKind.DISABLED));
            alsoAppend.forEach(outbox::append);
            return changed;
        });
        return r != null && r.changed();
    }

    public WriteResult<Void> deleteChannel(String id, Precondition precondition) {
        return write(() -> {
            lockedChannel(id, precondition);
            repository.deleteChannel(id);
            return WriteResult.changed(null, changed(CHANNEL, id, ChangeKind.DELETED));
        });
    }

    private ChannelRecord lockedChannel(String id, Precondition precondition) {
        ChannelRecord current =
                repository.findChannel(id, true).orElseThrow(() -> ConfigException.notFound(CHANNEL, id));
        if (!precondition.matches(current.version())) {
            throw ConfigException.staleVersion(CHANNEL, id, current.version());
        }
        return current;
    }

    private ChannelRecord sameChannel(ChannelRecord existing, ChannelSpec requested) {
        ChannelSpec e = existing.spec();
        String differs = null;
        if (e.protocol() != requested.protocol()) {
            differs = "protocol";
        } else if (!ChannelRoute.normaliseApiBase(e.baseUrl())
                .equals(ChannelRoute.normaliseApiBase(requested.baseUrl()))) {
            differs = "baseUrl";
        } else if (!sameSecret(requested.credential(), openOrNull(existing.credential()))) {
            differs = "credential";
        } else if (!new HashSet<>(e.models()).equals(new HashSet<>(requested.models()))) {
            differs = "models";
        }
        if (differs != null) {
            throw idempotencyConflict(CHANNEL, existing.id(), differs);
        }
        return existing;
    }

    // ---- groups ------------------------------------------------------------------------------------------------

    public WriteResult<GroupRecord> createGroup(GroupSpec spec) {
        return createIdempotently(() -> {
            if (spec.externalRef() != null) {
                Optional<GroupRecord> existing = repository.findGroupByRef(spec.managedBy(), spec.externalRef());
                if (existing.isPresent()) {
                    GroupRecord g = existing.get();
                    if (!new HashSet<>(g.spec().models()).equals(new HashSet<>(spec.models()))) {
                        throw idempotencyConflict(GROUP, g.id(), "models");
                    }
                    return WriteResult.replayed(g, repository.currentVersion());
                }
            }
            Instant now = now();
            GroupRecord r = new GroupRecord(newId("grp"), spec, 1, now, now);
            repository.insertGroup(r);
            return WriteResult.created(r, changed(GROUP, r.id(), ChangeKind.CREATED));
        });
    }

    public WriteResult<GroupRecord> replaceGroup(String id, Precondition precondition, GroupSpec spec) {
        return updateGroup(id, precondition, current -> spec);
    }

    public WriteResult<GroupRecord> updateGroup(
            String id, Precondition precondition, Function<GroupRecord, GroupSpec> change) {
        return write(() -> {
            GroupRecord current = lockedGroup(id, precondition);
            GroupSpec next = Objects.requireNonNull(change.apply(current), "change");
            if (next.equals(current.spec())) {
                return WriteResult.unchanged(current, repository.currentVersion());
            }
            GroupRecord r = new GroupRecord(id, next, current.version() + 1, current.createdAt(), now());
            repository.updateGroup(r);
            ChangeKind kind = next.withStatus(current.spec().status()).equals(current.spec())
                    ? statusChange(next.status() == EntryStatus.ENABLED)
                    : ChangeKind.UPDATED;
            return WriteResult.changed(r, changed(GROUP, id, kind));
        });
    }

    public WriteResult<GroupRecord> setGroupStatus(String id, Precondition precondition, EntryStatus status) {
        return updateGroup(id, precondition, current -> current.spec().withStatus(status));
    }

    /** Deletes the group; refused while keys belong to it or channels are restricted to it. */
    public WriteResult<Void> deleteGroup(String id, Precondition precondition) {
        return write(() -> {
            lockedGroup(id, precondition);
            long keys = repository.countKeysInGroup(id);
            if (keys > 0) {
                throw ConfigException.conflict(
                        "group_in_use", "group '" + id + "' still has " + keys + " key(s); delete them first");
            }
            List<String> channels = repository.channelsRestrictedTo(id);
            if (!channels.isEmpty()) {
                throw ConfigException.conflict(
                        "group_in_use",
                        "channels " + channels + " are restricted to group '" + id + "'; update them first");
            }
            repository.deleteGroup(id);
            return WriteResult.changed(null, changed(GROUP, id, ChangeKind.DELETED));
        });
    }

    private GroupRecord lockedGroup(String id, Precondition precondition) {
        GroupRecord current = repository.findGroup(id, true).orElseThrow(() -> ConfigException.notFound(GROUP, id));
        if (!precondition.matches(current.version())) {
            throw ConfigException.staleVersion(GROUP, id, current.version());
        }
        return current;
    }

    // ---- keys --------------------------------------------------------------------------------------------------

    /**
     * Creates a client key: the caller's ({@code spec.key()}) or a generated one, returned in plaintext only now.
     * A replay returns the key without plaintext.
     */
    public WriteResult<CreatedKey> createKey(KeySpec spec) {
        if (spec.status() == KeyStatus.EXHAUSTED) {
            throw ConfigException.invalid(
                    "status",
                    "a key is created ENABLED or DISABLED; POST /admin/v1/keys/{id}/exhaust marks it EXHAUSTED");
        }
        return createIdempotently(() -> {
            if (spec.externalRef() != null) {
                Optional<KeyRecord> existing = repository.findKeyByRef(spec.managedBy(), spec.externalRef());
                if (existing.isPresent()) {
                    KeyRecord k = existing.get();
                    if (!k.spec().groupId().equals(spec.groupId())) {
                        throw idempotencyConflict(KEY, k.id(), "groupId");
                    }
                    if (spec.key() != null && !sameSecret(ClientKeys.hash(spec.key()), k.keyHash())) {
                        throw idempotencyConflict(KEY, k.id(), "key");
                    }
                    return WriteResult.replayed(new CreatedKey(k, null), repository.currentVersion());
                }
            }
            requireGroup(spec.groupId());
            String plaintext = spec.key() != null ? spec.key() : ClientKeys.generate();
            Instant now = now();
            KeyRecord r = new KeyRecord(
                    newId("key"),
                    spec.withoutKey(),
                    ClientKeys.displayPrefix(plaintext),
                    ClientKeys.hash(plaintext),
                    1,
                    now,
                    now);
            repository.insertKey(r);
            return WriteResult.created(new CreatedKey(r, plaintext), changed(KEY, r.id(), ChangeKind.CREATED));
        });
    }

    public WriteResult<KeyRecord> replaceKey(String id, Precondition precondition, KeySpec spec) {
        return updateKey(id, precondition, current -> spec);
    }

    /**
     * Updates a key's attributes as an operator describes them (PUT, PATCH); the key material itself never changes
     * (create a new key to rotate). {@code EXHAUSTED} can be kept (with the stored reason and reset time), not
     * entered: that is {@link #exhaustKey}'s.
     */
    public WriteResult<KeyRecord> updateKey(String id, Precondition precondition, Function<KeyRecord, KeySpec> change) {
        return writeKey(id, precondition, null, current -> {
            KeySpec next = Objects.requireNonNull(change.apply(current), "change");
            if (next.status() != KeyStatus.EXHAUSTED) {
                return next;
            }
            KeySpec now = current.spec();
            if (now.status() != KeyStatus.EXHAUSTED) {
                throw ConfigException.invalid(
                        "status",
                        "a key becomes EXHAUSTED only through POST /admin/v1/keys/" + id
                                + "/exhaust (with its reason)");
            }
            return next.exhausted(now.statusReason(), now.statusUntil());
        });
    }

    /** {@code ENABLED} (also from {@code EXHAUSTED}: an operator's override) or {@code DISABLED} (from any status). */
    public WriteResult<KeyRecord> setKeyStatus(String id, Precondition precondition, KeyStatus status) {
        if (status == KeyStatus.EXHAUSTED) {
            throw new IllegalArgumentException("EXHAUSTED is set by exhaustKey, with a reason");
        }
        return writeKey(id, precondition, null, current -> current.spec().withStatus(status));
    }

    /**
     * Usage accounting's verdict: the key used up its budget ({@code reason}) until {@code until} (null: no known
     * reset). An {@code ENABLED} key becomes {@code EXHAUSTED}; an exhausted one takes the new reason and reset time
     * (the same ones change nothing); a {@code DISABLED} key stays as it is, because an operator's decision wins.
     * Writes {@code UPDATED}.
     */
    public WriteResult<KeyRecord> exhaustKey(String id, Precondition precondition, String reason, Instant until) {
        return writeKey(id, precondition, ChangeKind.UPDATED, current -> {
            KeySpec now = current.spec();
            return now.status() == KeyStatus.DISABLED ? now : now.exhausted(reason, until);
        });
    }

    /**
     * The key's budget was topped up or reset: {@code EXHAUSTED} becomes {@code ENABLED} (reason and reset time
     * cleared); any other status is left as it is. Writes {@code UPDATED}.
     */
    public WriteResult<KeyRecord> restoreKey(String id, Precondition precondition) {
        return writeKey(id, precondition, ChangeKind.UPDATED, current -> {
            KeySpec now = current.spec();
            return now.status() == KeyStatus.EXHAUSTED ? now.withStatus(KeyStatus.ENABLED) : now;
        });
    }

    /**
     * Applies {@code change} under the key's row lock. The event is {@code kind} when given, else {@code ENABLED} /
     * {@code DISABLED} for a change of the status alone and {@code UPDATED} for anything else.
     */
    private WriteResult<KeyRecord> writeKey(
            String id, Precondition precondition, ChangeKind kind, Function<KeyRecord, KeySpec> change) {
        return write(() -> {
            KeyRecord current = lockedKey(id, precondition);
            KeySpec next = Objects.requireNonNull(change.apply(current), "change");
            if (next.key() != null) {
                throw ConfigException.invalid(
                        "immutable_field", "key", "the key itself cannot be changed; create a new key to rotate");
            }
            if (next.equals(current.spec())) {
                return WriteResult.unchanged(current, repository.currentVersion());
            }
            if (!next.groupId().equals(current.spec().groupId())) {
                requireGroup(next.groupId());
            }
            KeyRecord r = new KeyRecord(
                    id,
                    next,
                    current.keyPrefix(),
                    current.keyHash(),
                    current.version() + 1,
                    current.createdAt(),
                    now());
            repository.updateKey(r);
            ChangeKind event = kind;
            if (event == null) {
                boolean statusOnly =
                        next.withStatus(KeyStatus.ENABLED).equals(current.spec().withStatus(KeyStatus.ENABLED));
                event = statusOnly && next.status() != KeyStatus.EXHAUSTED
                        ? statusChange(next.status() == KeyStatus.ENABLED)
                        : ChangeKind.UPDATED;
            }
            return WriteResult.changed(r, changed(KEY, id, event));
        });
    }

    public WriteResult<Void> deleteKey(String id, Precondition precondition) {
        return write(() -> {
            lockedKey(id, precondition);
            repository.deleteKey(id);
            return WriteResult.changed(null, changed(KEY, id, ChangeKind.DELETED));
        });
    }

    private KeyRecord lockedKey(String id, Precondition precondition) {
        KeyRecord current = repository.findKey(id, true).orElseThrow(() -> ConfigException.notFound(KEY, id));
        if (!precondition.matches(current.version())) {
            throw ConfigException.staleVersion(KEY, id, current.version());
        }
        return current;
    }

    // ---- the transaction around every change -------------------------------------------------------------------

    /** Bumps the config version and appends the event; call inside the change's transaction, after the row change. */
    private long changed(String kind, String id, ChangeKind change) {
        long version = repository.bumpVersion(kind, id);
        GatewayConfigChanged event = new GatewayConfigChanged(version, kind, id, change, clock.instant());
        outbox.append(event);
        if (CHANNEL.equals(kind) && (change == ChangeKind.ENABLED || change == ChangeKind.DELETED)) {
            // a re-enabled channel starts afresh: no cooldown from before it was disabled (here and after a restart;
            // other replicas reset on the event)
            repository.clearCooldown(id);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    publisher.publishEvent(event);
                }
            });
        }
        return version;
    }

    /**
     * Runs one change in its transaction. After the commit, the caller waits until this replica serves the config
     * version its change produced: read-your-writes (a result that changed nothing does not wait). The
     * wait shares loads with concurrent writers ({@link SnapshotLoader#awaitVersion}), so a burst of writes costs a
     * few reloads, not one each.
     */
    private <T> WriteResult<T> write(Supplier<WriteResult<T>> work) {
        boolean joined = TransactionSynchronizationManager.isActualTransactionActive();
        WriteResult<T> result;
        try {
            result = tx.execute(status -> work.get());
        } catch (DuplicateKeyException ex) {
            throw duplicate(ex);
        }
        if (result == null) {
            return null;
        }
        long version = result.configVersion();
        if (joined) {
            if (result.changed()) {
                // The caller's transaction commits later; reload then, off its thread (it still holds a connection).
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        snapshots.refreshLaterTo(version);
                    }
                });
            }
        } else if (result.changed()) {
            snapshots.awaitVersionQuietly(version);
        } else {
            // nothing changed (a replayed create, an update to the same spec): no change of the caller's to wait for;
            // the replica catches up to the version named in the background, without holding the caller
            snapshots.refreshLaterTo(version);
        }
        return result;
    }

    /**
     * Runs a create; when a concurrent create of the same (managedBy, externalRef) wins the unique constraint, runs
     * it again, which then finds the winner and replays it.
     */
    private <T> WriteResult<T> createIdempotently(Supplier<WriteResult<T>> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write(work);
            } catch (ConfigException ex) {
                // A concurrent identical create with a supplied key may trip the key_hash constraint first.
                boolean raced = "ownership_taken".equals(ex.code()) || "key_in_use".equals(ex.code());
                if (!raced || attempt >= CREATE_ATTEMPTS) {
                    throw ex;
                }
            }
        }
    }

    private static ConfigException duplicate(DuplicateKeyException ex) {
        String message = String.valueOf(ex.getMostSpecificCause().getMessage());
        if (message.contains("key_hash")) {
            return ConfigException.conflict("key_in_use", "this key is already in use; supply another key");
        }
        if (message.contains("managed_by_external_ref")) {
            return ConfigException.conflict(
                    "ownership_taken", "another resource of this kind already has this managedBy and externalRef");
        }
        return ConfigException.conflict("duplicate", "the resource conflicts with an existing one");
    }

    private static ConfigException idempotencyConflict(String kind, String existingId, String field) {
        return new ConfigException(
                ConfigException.Reason.CONFLICT,
                "idempotency_conflict",
                field,
                kind + " '" + existingId + "' already exists for this managedBy and externalRef with a different "
                        + field);
    }

    private void requireGroups(List<String> groupIds) {
        for (String g : groupIds) {
            if (!repository.lockGroupExists(g)) {
                throw ConfigException.invalid("groups", "no group with id '" + g + "'");
            }
        }
    }

    private void requireGroup(String groupId) {
        if (!repository.lockGroupExists(groupId)) {
            throw ConfigException.invalid("groupId", "no group with id '" + groupId + "'");
        }
    }

    private static ChangeKind statusChange(boolean enabled) {
        return enabled ? ChangeKind.ENABLED : ChangeKind.DISABLED;
    }

    /** Constant-time comparison of two secrets (or hashes); null never matches. */
    private static boolean sameSecret(String a, String b) {
        return a != null
                && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The stored credential, or null when it does not open under this master key (a new one may replace it). */
    private String openOrNull(SealedSecret sealed) {
        try {
            return secretBox.open(sealed);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String newId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }
}
