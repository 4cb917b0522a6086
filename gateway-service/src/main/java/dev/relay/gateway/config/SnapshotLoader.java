package dev.relay.gateway.config;

import dev.relay.contracts.SecretBox;
import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.routing.ClientKeyEntry;
import dev.relay.gateway.routing.GroupEntry;
import dev.relay.gateway.routing.RoutingSnapshot;
import dev.relay.gateway.routing.SnapshotHolder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
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
 * <p>Concurrent refresh requests coalesce: a caller whose request arrived before a load began is served by that load
 * instead of starting another one, so a burst of changes costs a few loads, not one per change.
 */
public class SnapshotLoader implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SnapshotLoader.class);

    private final ConfigRepository repository;
    private final TransactionTemplate readTx;
    private final SecretBox secretBox;
    private final SnapshotHolder holder;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong requested = new AtomicLong();
    private long served; // guarded by lock: every request with a ticket <= served has been loaded for
    /** Channels (id@version) already reported as unopenable: logged once, not on every reload. */
    private final Set<String> reportedUnopenable = ConcurrentHashMap.newKeySet();

    private volatile int unopenable;
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gateway-config-refresh");
        t.setDaemon(true);
        return t;
    });

    public SnapshotLoader(
            ConfigRepository repository,
            PlatformTransactionManager transactionManager,
            SecretBox secretBox,
            SnapshotHolder holder) {
        this.repository = repository;
        this.secretBox = secretBox;
        this.holder = holder;
        this.readTx = new TransactionTemplate(transactionManager);
        readTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        readTx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        readTx.setReadOnly(true);
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

    /** Reads the whole configuration in one consistent read. */
    public RoutingSnapshot load() {
        List<ChannelRecord> skipped = new ArrayList<>();
        RoutingSnapshot s = readTx.execute(status -> assemble(
                repository.currentVersion(),
                repository.listChannels(ConfigFilter.NONE),
                repository.listGroups(ConfigFilter.NONE),
                repository.listKeys(ConfigFilter.NONE),
                secretBox,
                skipped::add));
        unopenable = skipped.size();
        for (ChannelRecord c : skipped) {
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
     * Loads and installs a snapshot that includes every change committed before this call; returns the snapshot now
     * installed (which may be newer still).
     */
    public RoutingSnapshot refresh() {
        long ticket = requested.incrementAndGet();
        lock.lock();
        try {
            if (served >= ticket) {
                return holder.get();
            }
            long upTo = requested.get();
            RoutingSnapshot next = load();
            if (holder.install(next)) {
                log.debug("installed routing snapshot at config version {}", next.version());
            }
            served = upTo;
            return holder.get();
        } finally {
            lock.unlock();
        }
    }

    /** Refreshes unless the installed snapshot is already at {@code version} or newer. */
    public void refreshIfOlderThan(long version) {
        if (holder.get().version() < version) {
            refresh();
        }
    }

    /** Refreshes on a background thread (used after a commit the caller must not wait on); failures are logged. */
    public void refreshLater() {
        background.execute(this::refreshQuietly);
    }

    /** Refreshes, logging instead of throwing: the poller and the events will catch up. */
    public void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException ex) {
            log.warn("routing snapshot refresh failed, will retry on the next event or poll: {}", ex.toString());
        }
    }

    /** Channels of the last load whose credential did not open with the master key (left out of the snapshot). */
    public int unopenableChannels() {
        return unopenable;
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
        List<ChannelRoute> routes = new ArrayList<>(channels.size());
        for (ChannelRecord c : channels) {
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
            GroupSpec s = g.spec();
            groupEntries.add(new GroupEntry(
                    g.id(),
                    s.name(),
                    new LinkedHashSet<>(s.allModels() ? List.of() : s.models()),
                    s.allModels(),
                    s.status() == EntryStatus.ENABLED));
        }
        Map<String, ClientKeyEntry> keysByHash = new HashMap<>();
        for (KeyRecord k : keys) {
            KeySpec s = k.spec();
            keysByHash.put(
                    k.keyHash(),
                    new ClientKeyEntry(
                            k.id(),
                            s.name(),
                            s.groupId(),
                            s.status() == EntryStatus.ENABLED,
                            s.expiresAt(),
                            s.rateLimitPerMinute()));
        }
        return new RoutingSnapshot(version, routes, groupEntries, keysByHash);
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
