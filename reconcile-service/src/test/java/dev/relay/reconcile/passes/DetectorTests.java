package dev.relay.reconcile.passes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.contracts.DriftDetected.DriftKind;
import dev.relay.contracts.ManagedResource.ResourceKind;
import dev.relay.contracts.SpecHash;
import dev.relay.reconcile.ledger.LedgerRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The comparison of the ledger view with a host, one drift kind at a time. */
class DetectorTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    static final UUID RUN = UUID.fromString("11111111-1111-1111-1111-111111111111");
    static final UUID ITEM = UUID.fromString("22222222-2222-2222-2222-222222222222");

    final Map<ResourceKind, List<JsonNode>> live = new EnumMap<>(ResourceKind.class);
    final List<LedgerRow> rows = new ArrayList<>();
    final Set<String> refs = new HashSet<>();

    DetectorTests() {
        for (ResourceKind k : new ResourceKind[] {ResourceKind.CHANNEL, ResourceKind.GROUP, ResourceKind.CLIENT_KEY}) {
            live.put(k, new ArrayList<>());
        }
    }

    static ObjectNode channel(String id, String ref, int priority, String status) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", id);
        c.put("name", "sim");
        c.put("protocol", "OPENAI");
        c.put("baseUrl", "http://127.0.0.1:8190/v1");
        c.put("priority", priority);
        c.put("status", status);
        c.put("managedBy", "relay-access");
        c.put("externalRef", ref);
        c.put("version", 3);
        c.put("createdAt", "2026-12-02T09:00:00Z");
        return c;
    }

    /** The host holds {@code node}; the ledger recorded it as {@code recorded} (same resource, maybe another spec). */
    void both(ResourceKind kind, ObjectNode recorded, ObjectNode node, UUID item) {
        live.get(kind).add(node);
        ledger(kind, recorded, item);
    }

    void ledger(ResourceKind kind, ObjectNode recorded, UUID item) {
        String ref = recorded.path("externalRef").asString();
        rows.add(new LedgerRow("edge", kind, ref, recorded.path("id").asString(), RUN, item, SpecHash.of(recorded)));
        refs.add(kind.name() + "|" + ref);
    }

    Detector.Result compare(UUID scope) {
        return Detector.compare(rows, refs, live, scope, NOW, Duration.ofMinutes(2));
    }

    static final String REF = "run:" + RUN + "/item:" + ITEM + "/channel:openai";

    @Test
    void aHostThatHoldsWhatTheLedgerRecordedIsInSync() {
        ObjectNode c = channel("ch-1", REF, 0, "ENABLED");
        ObjectNode sameButRuntime = c.deepCopy().put("version", 9).put("updatedAt", "2026-12-02T09:59:00Z");
        both(ResourceKind.CHANNEL, c, sameButRuntime, ITEM);

        Detector.Result r = compare(RUN);
        assertThat(r.findings()).isEmpty();
        assertThat(r.checked()).isEqualTo(1);
    }

    @Test
    void aResourceGoneFromTheHostIsMissingAndReapplied() {
        ledger(ResourceKind.CHANNEL, channel("ch-1", REF, 0, "ENABLED"), ITEM);

        Detector.Finding f = compare(RUN).findings().getFirst();
        assertThat(f.kind()).isEqualTo(DriftKind.MISSING);
        assertThat(f.repair()).isEqualTo(Detector.Repair.REAPPLY);
        assertThat(f.itemId()).isEqualTo(ITEM);
        assertThat(f.detail()).contains("ch-1", "no longer on host edge");
    }

    @Test
    void aChangedSpecIsModifiedButAStatusChangeIsNot() {
        ObjectNode c = channel("ch-1", REF, 0, "ENABLED");
        both(ResourceKind.CHANNEL, c, channel("ch-1", REF, 5, "ENABLED"), ITEM);

        Detector.Result r = compare(RUN);
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(DriftKind.MODIFIED);
            assertThat(f.repair()).isEqualTo(Detector.Repair.REAPPLY);
            assertThat(f.evidence().path("hostSpecHash").asString())
                    .isEqualTo(SpecHash.of(channel("ch-1", REF, 5, "ENABLED")));
        });
    }

    @Test
    void autoDisabledIsRepairedAfterAReprobeButAnOperatorsDisableNever() {
        String ref2 = "run:" + RUN + "/item:" + UUID.randomUUID() + "/channel:openai";
        ObjectNode auto = channel("ch-1", REF, 0, "AUTO_DISABLED").put("statusReason", "AUTH_INVALID: 401");
        both(ResourceKind.CHANNEL, channel("ch-1", REF, 0, "ENABLED"), auto, ITEM);
        both(ResourceKind.CHANNEL, channel("ch-2", ref2, 0, "ENABLED"), channel("ch-2", ref2, 0, "DISABLED"), ITEM);

        List<Detector.Finding> fs = compare(RUN).findings();
        assertThat(fs).hasSize(2).allSatisfy(f -> assertThat(f.kind()).isEqualTo(DriftKind.DISABLED));
        assertThat(fs.get(0).repair()).isEqualTo(Detector.Repair.REPROBE_THEN_ENABLE);
        assertThat(fs.get(0).detail()).contains("auto-disabled by the edge: AUTH_INVALID: 401");
        assertThat(fs.get(1).repair()).isEqualTo(Detector.Repair.NOT_ALLOWED);
        assertThat(fs.get(1).detail()).contains("disabled by an operator");
    }

    @Test
    void aKeyAccountingExhaustedIsNotDrift() {
        ObjectNode key = JSON.createObjectNode();
        key.put("id", "key-1");
        key.put("groupId", "grp-1");
        key.put("status", "ENABLED");
        key.put("externalRef", "run:" + RUN + "/key");
        ObjectNode exhausted = key.deepCopy()
                .put("status", "EXHAUSTED")
                .put("statusReason", "token balance used up")
                .put("statusUntil", "2026-12-03T00:00:00Z");
        both(ResourceKind.CLIENT_KEY, key, exhausted, null);

        Detector.Result r = compare(RUN);
        assertThat(r.findings()).isEmpty();
        assertThat(r.exhaustedKeys()).isEqualTo(1);
    }

    @Test
    void anOwnedResourceInNoLedgerRowIsAnOrphanUnlessItIsYoungOrAnotherRunsInARunPass() {
        String mine = "run:" + RUN + "/item:" + UUID.randomUUID() + "/channel:openai";
        String other = "run:" + UUID.randomUUID() + "/item:" + UUID.randomUUID() + "/channel:openai";
        live.get(ResourceKind.CHANNEL).add(channel("ch-9", mine, 0, "ENABLED"));
        live.get(ResourceKind.CHANNEL).add(channel("ch-8", other, 0, "ENABLED"));
        ObjectNode young = channel("ch-7", "run:" + RUN + "/item:x/channel:openai", 0, "ENABLED");
        young.put("createdAt", NOW.minusSeconds(30).toString());
        live.get(ResourceKind.CHANNEL).add(young);

        List<Detector.Finding> inRun = compare(RUN).findings();
        assertThat(inRun).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(DriftKind.ORPHANED);
            assertThat(f.resourceId()).isEqualTo("ch-9");
            assertThat(f.runId()).isEqualTo(RUN);
            assertThat(f.repair()).isEqualTo(Detector.Repair.NOT_ALLOWED);
        });
        assertThat(compare(null).findings())
                .extracting(Detector.Finding::resourceId)
                .containsExactlyInAnyOrder("ch-9", "ch-8");
    }
}
