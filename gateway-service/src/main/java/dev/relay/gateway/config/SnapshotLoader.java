package dev.relay.gateway.config;

import dev.relay.contracts.SecretBox;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.routing.GroupEntry;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.routing.SnapshotHolder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds the {@link RoutingSnapshot} from the database (all channels, groups and keys plus {@code config_version}, in
 * one read-only REPEATABLE READ transaction, credentials opened with the master key) and installs it in the
 * {@link SnapshotHolder}. Loads once before the application starts serving ({@link #afterSingletonsInstantiated()}:
 * a failure there fails start-up), then on every trigger: a local commit, a {@code gateway.config-changed} event, the
 * poller.
 *
 * <p>Reloads coalesce; a burst of changes costs a few loads, not one per change:
 *
 * <ul>
 *   <li>one load at a time; a caller arriving while a load runs waits for it and then loads only if it is still not
 *       covered, and the first of the waiting callers loads for all of them (at most one trailing load);
 *   <li>a caller that knows the version it needs ({@link #awaitVersion}: an admin write waiting for its own commit)
 *       returns as soon as the installed snapshot reaches it, loading only when no load already covers it;
 *   <li>events ({@link #refreshLaterTo}) never block their consumer: they raise the wanted version and schedule at
 *       most one background catch-up, which loads only if the snapshot is still behind when it runs, and starts no
 *       sooner than {@code coalesceWindow} after the previous load ended, so that during a burst of changes the
 *       events of that window share one load (an event after a quiet spell loads at once; admin writes on this
 *       replica never wait for the window).
 * </ul>
 *
 * A load reads only what changed when it can: every config version logs the entity it changed ({@code config_change},
 * written with the bump), so a replica at version v re-reads just the channels, groups and keys of the versions after
 * v. It reads everything at start, when a version after v is missing from the log (pruned, or bumped by hand) and when
 * more than {@link #INCREMENTAL_LIMIT} versions have passed.
 *
 * <p>Every load is counted in {@code relay_gateway_config_reloads_total{result=ok|failed, kind=full|incremental}}.
 */
public class SnapshotLoader implements SmartInitializingSingleton, DisposableBean {

    public static final String RELOADS_METRIC = "relay_gateway_config_reloads";

    private static final Logger log = LoggerFactory.getLogger(SnapshotLoader.class);

    private final ConfigRepository repository;
    private final TransactionTemplate readTx;
    private final SecretBox secretBox;
    private final SnapshotHolder holder;
    private final LongConsumer installed;
    private final Counter reloads;
    private final Counter incrementalReloads;
    private final Counter failedReloads;
    private final io.micrometer.core.instrument.Timer loadDuration;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong requested = new AtomicLong();
    private long served; // guarded by lock: every request with a ticket <= served has been loaded for
    /** The highest config version an event announced (what the background catch-up loads towards). */
    private final AtomicLong wanted = new AtomicLong();

    private final AtomicBoolean catchUpScheduled = new AtomicBoolean();
    /**
     * The version of the installed snapshot once everyone told of it has been told (the heartbeat reported it): what
     * {@link #awaitVersion} waits for, so a replica's heartbeat row never lags a change it already answered for.
     */
    private volatile long published;
    /** Channels (id@version) already reported as unopenable: logged once, not on every reload. */
    private final Set<String> reportedUnopenable = ConcurrentHashMap.newKeySet();

    /** Channels left out of the installed snapshot because their credential does not open (guarded by lock). */
    private final Set<String> unopenableIds = new java.util.HashSet<>();

    /** More changes than this since the installed version: one full load is cheaper than reading them one by one. */
    static final int INCREMENTAL_LIMIT = 2_000;

    private final long coalesceNanos;
    /** When the last load ended (System.nanoTime()); event-driven loads keep {@code coalesceWindow} after it. */
    private volatile long lastLoadEnded;

    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-config-refresh");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param coalesceWindow the least time between the end of one load and the start of an event-driven one (zero:
     *     none)
     * @param installed told the version of every snapshot installed (e.g. the replica heartbeat)
     */
    public SnapshotLoader(
            ConfigRepository repository,
            PlatformTransactionManager transactionManager,
            SecretBox secretBox,
            SnapshotHolder holder,
            MeterRegistry registry,
            Duration coalesceWindow,
            LongConsumer installed) {
        this.repository = repository;
        this.coalesceNanos = coalesceWindow.toNanos();
        this.lastLoadEnded = System.nanoTime() - coalesceNanos;
        this.secretBox = secretBox;
        this.holder = holder;
        this.installed = installed;
        this.readTx = new TransactionTemplate(transactionManager);
        readTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        readTx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        readTx.setReadOnly(true);
        String description = "Routing snapshot loads by this replica: full (every row) or incremental (only the"
                + " entities changed since the installed version)";
        this.reloads = Counter.builder(RELOADS_METRIC)
                .description(description)
                .tag("result", "ok")
                .tag("kind", "full")
                .register(registry);
        this.incrementalReloads = Counter.builder(RELOADS_METRIC)
                .description(description)
                .tag("result", "ok")
                .tag("kind", "incremental")
                .register(registry);
        this.failedReloads = Counter.builder(RELOADS_METRIC)
                .description(description)
                .tag("result", "failed")
                .tag("kind", "unknown")
                .register(registry);
        this.loadDuration = io.micrometer.core.instrument.Timer.builder("relay_gateway_config_load_duration")
                .description("How long one routing snapshot load (read, open changed credentials, build) takes")
                .register(registry);
    }

    /** The start-up load, before the web server accepts traffic. */
    @Override
    public void afterSingletonsInstantiated() {
        long started = System.nanoTime();
        RoutingSnapshot s = refresh();
        log.info(
                "routing snapshot at config version {} loaded: {} channels ({} ms)",
                s.version(),
                s.channels().size(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /**
     * Reads the configuration in one consistent read: only the entities changed since the installed snapshot when the
     * change log holds every version after it (and not too many), otherwise every channel, group and key.
     */
    public RoutingSnapshot load() {
        List<ChannelRecord> skipped = new ArrayList<>();
        long start = System.nanoTime();
        RoutingSnapshot previous = holder.get();
        boolean[] incremental = {false};
        RoutingSnapshot s = readTx.execute(status -> {
            long version = repository.currentVersion();
            if (previous != RoutingSnapshot.EMPTY && previous.version() > 0 && version >= previous.version()) {
                long behind = version - previous.version();
                if (behind == 0) {
                    incremental[0] = true;
                    return previous;
                }
                if (behind <= INCREMENTAL_LIMIT) {
                    List<ConfigRepository.Change> changes =
                            repository.changesAfter(previous.version(), INCREMENTAL_LIMIT);
                    // one row per version (the version is the key): as many rows as versions = none missing
                    if (changes.size() == behind) {
                        incremental[0] = true;
                        return applyChanges(version, previous, changes, skipped::add);
                    }
                }
            }
            return assemble(
                    version,
                    repository.listChannels(ConfigFilter.NONE),
                    repository.listGroups(ConfigFilter.NONE),
                    repository.listKeys(ConfigFilter.NONE),
                    secretBox,
                    skipped::add,
                    previous.channelsById());
        });
        loadDuration.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (incremental[0]) {
            incrementalReloads.increment();
        } else {
            reloads.increment();
            unopenableIds.clear();
        }
        for (ChannelRecord c : skipped) {
            unopenableIds.add(c.id());
            if (reportedUnopenable.add(c.id() + "@" + c.version())) {
                log.error(
                        "channel {} (version {}) left out of the routing snapshot: its credential ({}, key id '{}')"
                                + " does not open under master key '{}'",
                        c.id(),
                        c.version(),
                        c.credentialFingerprint(),
                        c.credential().keyId(),
                        secretBox.keyId());
            }
        }
        return s;
    }

    /**
     * The previous snapshot with the changed entities re-read: each changed id is put as its row is now, or removed
     * when its row is gone (a channel whose row version did not change keeps its route). Only the changed entities are
     * re-indexed ({@link RoutingSnapshot.Change}).
     */
    private RoutingSnapshot applyChanges(
            long version,
            RoutingSnapshot previous,
            List<ConfigRepository.Change> changes,
            Consumer<ChannelRecord> unopenable) {
        Set<String> channelIds = new LinkedHashSet<>();
        Set<String> groupIds = new LinkedHashSet<>();
        Set<String> keyIds = new LinkedHashSet<>();
        for (ConfigRepository.Change c : changes) {
            switch (c.kind()) {
                case ConfigService.CHANNEL -> channelIds.add(c.entityId());
                case ConfigService.GROUP -> groupIds.add(c.entityId());
                case ConfigService.KEY -> keyIds.add(c.entityId());
                default -> throw new IllegalStateException("unknown change kind " + c.kind());
            }
        }
        RoutingSnapshot.Change next = previous.change();
        Map<String, ChannelRoute> before = previous.channelsById();
        Set<String> goneChannels = new HashSet<>(channelIds);
        for (String id : channelIds) {
            unopenableIds.remove(id);
        }
        for (ChannelRecord c : repository.channelsByIds(channelIds)) {
            goneChannels.remove(c.id());
            ChannelRoute same = before.get(c.id());
            if (same != null && same.version() == c.version()) {
                continue; // its route stands
            }
            try {
                next.putChannel(route(c, secretBox.open(c.credential())));
            } catch (IllegalArgumentException ex) {
                next.removeChannel(c.id()); // no route with a credential that does not open
                unopenable.accept(c);
            }
        }
        goneChannels.forEach(next::removeChannel);
        Set<String> goneGroups = new HashSet<>(groupIds);
        for (GroupRecord g : repository.groupsByIds(groupIds)) {
            goneGroups.remove(g.id());
            next.putGroup(group(g));
        }
        goneGroups.forEach(next::removeGroup);
        Set<String> goneKeys = new HashSet<>(keyIds);
        for (KeyRecord k : repository.keysByIds(keyIds)) {
            goneKeys.remove(k.id());
            next.putKey(k.keyHash(), key(k));
        }
        goneKeys.forEach(next::removeKey);
        return next.build(version);
    }

    /**
     * Loads and installs a snapshot that includes every change committed before this call, unless a load that began
     * after this call already did; returns the snapshot now installed (which may be newer still).
     */
    public RoutingSnapshot refresh() {
        long ticket = requested.incrementAndGet();
        lock.lock();
        try {
            if (served >= ticket) {
                return holder.get();
            }
            return loadLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once the installed snapshot is at {@code version} or newer, a version committed before this call (an
     * admin write's own): at once when it already is, after the running load when that one covers it, and otherwise
     * after one load that the callers waiting meanwhile share.
     */
    public RoutingSnapshot awaitVersion(long version) {
        if (published >= version) {
            return holder.get();
        }
        long ticket = requested.incrementAndGet();
        lock.lock();
        try {
            if (published >= version || served >= ticket) {
                return holder.get();
            }
            return loadLocked();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #awaitVersion}, logging instead of throwing: the poller and the events will catch up. */
    public void awaitVersionQuietly(long version) {
        try {
            awaitVersion(version);
        } catch (RuntimeException ex) {
            log.warn("routing snapshot refresh failed, will retry on the next event or poll: {}", ex.toString());
        }
    }

    /**
     * Asks for a snapshot at {@code version} or newer without waiting (an event's version, or a commit the caller
     * must not wait on): a background catch-up is scheduled unless one is already queued, and it loads only if the
     * snapshot is still behind the newest version asked for when it runs. Failures are logged.
     */
    public void refreshLaterTo(long version) {
        wanted.accumulateAndGet(version, Math::max);
        if (published < version && catchUpScheduled.compareAndSet(false, true)) {
            scheduleCatchUp(0);
        }
    }

    private void scheduleCatchUp(long delayNanos) {
        try {
            background.schedule(this::catchUp, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException ex) {
            catchUpScheduled.set(false); // shutting down
        }
    }

    private void catchUp() {
        long wait = coalesceNanos - (System.nanoTime() - lastLoadEnded);
        if (wait > 0 && published < wanted.get()) {
            scheduleCatchUp(wait); // still scheduled: the events of the window join this run
            return;
        }
        catchUpScheduled.set(false); // versions asked for from now on schedule one more run, after this one
        if (published < wanted.get()) {
            awaitVersionQuietly(wanted.get());
        }
    }

    /** Refreshes, logging instead of throwing: the poller and the events will catch up. */
    public void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException ex) {
            log.warn("routing snapshot refresh failed, will retry on the next event or poll: {}", ex.toString());
        }
    }

    /** One load under the lock, serving every ticket taken before it began. */
    private RoutingSnapshot loadLocked() {
        long upTo = requested.get();
        RoutingSnapshot next;
        try {
            next = load();
        } catch (RuntimeException ex) {
            failedReloads.increment();
            throw ex;
        } finally {
            lastLoadEnded = System.nanoTime();
        }
        if (holder.install(next)) {
            log.debug("installed routing snapshot at config version {}", next.version());
            installed.accept(next.version());
        }
        published = holder.get().version();
        served = upTo;
        return holder.get();
    }

    public long installedVersion() {
        return holder.get().version();
    }

    @Override
    public void destroy() {
        background.shutdownNow();
    }

    /** Builds the hot path's view; a channel whose credential cannot be opened is left out and handed to {@code unopenable}. */
    static RoutingSnapshot assemble(
            long version,
            List<ChannelRecord> channels,
            List<GroupRecord> groups,
            List<KeyRecord> keys,
            SecretBox box,
            Consumer<ChannelRecord> unopenable) {
        return assemble(version, channels, groups, keys, box, unopenable, Map.of());
    }

    /**
     * As above, reusing the route of the previous snapshot for every channel whose row version did not change: a
     * reload then opens (AES-GCM) and rebuilds only the channels that changed, so provisioning a thousand channels
     * does not re-open every credential on every reload.
     */
    static RoutingSnapshot assemble(
            long version,
            List<ChannelRecord> channels,
            List<GroupRecord> groups,
            List<KeyRecord> keys,
            SecretBox box,
            Consumer<ChannelRecord> unopenable,
            Map<String, ChannelRoute> previous) {
        List<ChannelRoute> routes = new ArrayList<>(channels.size());
        for (ChannelRecord c : channels) {
            ChannelRoute same = previous.get(c.id());
            if (same != null && same.version() == c.version()) {
                routes.add(same);
                continue;
            }
            String credential;
            try {
                credential = box.open(c.credential());
            } catch (IllegalArgumentException ex) {
                unopenable.accept(c);
                continue;
            }
            routes.add(route(c, credential));
        }
        List<GroupEntry> groupEntries = new ArrayList<>(groups.size());
        for (GroupRecord g : groups) {
            groupEntries.add(group(g));
        }
        Map<String, ClientKeyEntry> keysByHash = new HashMap<>();
        for (KeyRecord k : keys) {
            keysByHash.put(k.keyHash(), key(k));
        }
        return new RoutingSnapshot(version, routes, groupEntries, keysByHash);
    }

    static GroupEntry group(GroupRecord g) {
        GroupSpec s = g.spec();
        return new GroupEntry(
                g.id(),
                s.name(),
                new LinkedHashSet<>(s.allModels() ? List.of() : s.models()),
                s.allModels(),
                s.status() == EntryStatus.ENABLED);
    }

    static ClientKeyEntry key(KeyRecord k) {
        KeySpec s = k.spec();
        return new ClientKeyEntry(
                k.id(),
                s.name(),
                s.groupId(),
                s.status() == KeyStatus.ENABLED,
                s.expiresAt(),
                s.rateLimitPerMinute(),
                s.status() == KeyStatus.EXHAUSTED
                        ? new ClientKeyEntry.Exhaustion(s.statusReason(), s.statusUntil())
                        : null);
    }

    static ChannelRoute route(ChannelRecord c, String credential) {
        ChannelSpec s = c.spec();
        return new ChannelRoute(
                c.id(),
                s.name(),
                s.protocol(),
                ChannelRoute.normaliseApiBase(s.baseUrl()),
                credential,
                new LinkedHashSet<>(s.models()),
                s.modelMapping(),
                new LinkedHashSet<>(s.groups()),
                s.priority(),
                s.weight(),
                s.extraHeaders(),
                millis(s.connectTimeoutMs()),
                millis(s.firstByteTimeoutMs()),
                millis(s.totalTimeoutMs()),
                s.capabilities(),
                s.dialect(),
                s.status(),
                c.version());
    }

    private static Duration millis(Integer ms) {
        return ms == null ? null : Duration.ofMillis(ms);
    }
}
