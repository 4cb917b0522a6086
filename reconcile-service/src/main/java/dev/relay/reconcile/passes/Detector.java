package dev.relay.reconcile.passes;

import dev.relay.contracts.DriftDetected.DriftKind;
import dev.relay.contracts.ManagedResource.ResourceKind;
import dev.relay.contracts.SpecHash;
import dev.relay.reconcile.ledger.LedgerRow;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Compares the ledger view with what one host holds, without side effects:
 *
 * <ul>
 *   <li><b>missing</b>: a ledger row whose resource (found by its {@code externalRef}) the host no longer has;
 *   <li><b>modified</b>: the host's canonical spec hash ({@link SpecHash}: runtime status is not spec) differs from the
 *       ledger's;
 *   <li><b>disabled</b>: {@code AUTO_DISABLED} by the edge (with its reason: repairable after a passing re-probe) or
 *       {@code DISABLED} by an operator (reported, never re-enabled);
 *   <li><b>orphaned</b>: marked as Relay's on the host ({@code managedBy}) but in no ledger row — reported, never
 *       deleted; resources younger than the grace period are left alone (they may be provisioning right now).
 * </ul>
 *
 * A key that accounting marked {@code EXHAUSTED} is accounting state: counted, never drift.
 */
public final class Detector {

    /** What a finding's repair would be, if the pass repairs. */
    public enum Repair {
        /** access-service re-applies the recorded spec (missing, modified) */
        REAPPLY,
        /** probe the item's upstream again first; re-enable only if it passes */
        REPROBE_THEN_ENABLE,
        /** an operator's decision, or an orphan: reported only */
        NOT_ALLOWED
    }

    public record Finding(
            DriftKind kind,
            ResourceKind resourceKind,
            String resourceId,
            String externalRef,
            String specHash,
            UUID runId,
            UUID itemId,
            String detail,
            ObjectNode evidence,
            Repair repair,
            LedgerRow row) {}

    public record Result(List<Finding> findings, int checked, int exhaustedKeys) {}

    private static final Pattern REF = Pattern.compile("^run:([0-9a-f-]{36})(?:/item:([0-9a-f-]{36}))?(?:/.*)?$");

    private Detector() {}

    /** The external-ref prefix of every resource provisioned for a run ({@code run:<id>/}, as access-service names them). */
    public static String runPrefix(java.util.UUID runId) {
        return "run:" + runId + "/";
    }

    public static String adminKind(ResourceKind kind) {
        return switch (kind) {
            case CHANNEL -> "channels";
            case GROUP -> "groups";
            case CLIENT_KEY -> "keys";
            case SUBSCRIPTION, CONSUMER -> null; // accounting's, not on the host
        };
    }

    /**
     * @param rows the ledger rows in the pass's scope on this host
     * @param ledgerRefs every {@code kind|externalRef} the ledger view holds on this host (whatever the scope)
     * @param live the host's resources marked as Relay's, by kind (admin read form)
     * @param runId the pass's run (orphans outside it are not its business), or null for every run
     */
    public static Result compare(
            List<LedgerRow> rows,
            Set<String> ledgerRefs,
            Map<ResourceKind, List<JsonNode>> live,
            UUID runId,
            Instant now,
            Duration orphanGrace) {
        Map<String, JsonNode> byRef = new HashMap<>();
        live.forEach((kind, list) -> list.forEach(
                n -> byRef.put(kind.name() + "|" + n.path("externalRef").asString(), n)));
        List<Finding> out = new ArrayList<>();
        int checked = 0;
        int exhausted = 0;
        for (LedgerRow row : rows) {
            if (adminKind(row.kind()) == null) {
                continue;
            }
            checked++;
            JsonNode host = byRef.get(row.kind().name() + "|" + row.externalRef());
            if (host == null) {
                ObjectNode ev = evidence(row, null);
                out.add(new Finding(
                        DriftKind.MISSING,
                        row.kind(),
                        row.resourceId(),
                        row.externalRef(),
                        row.specHash(),
                        row.runId(),
                        row.itemId(),
                        label(row.kind()) + " " + row.resourceId() + " is in the ledger but no longer on host "
                                + row.hostId(),
                        ev,
                        Repair.REAPPLY,
                        row));
                continue;
            }
            String status = host.path("status").asString("");
            if (row.kind() == ResourceKind.CLIENT_KEY && status.equals("EXHAUSTED")) {
                exhausted++; // accounting's state, not drift
            } else if (status.equals("AUTO_DISABLED") || status.equals("DISABLED")) {
                boolean auto = status.equals("AUTO_DISABLED");
                String reason = host.path("statusReason").isString()
                        ? host.path("statusReason").asString()
                        : null;
                out.add(new Finding(
                        DriftKind.DISABLED,
                        row.kind(),
                        host.path("id").asString(),
                        row.externalRef(),
                        row.specHash(),
                        row.runId(),
                        row.itemId(),
                        auto
                                ? label(row.kind()) + " auto-disabled by the edge"
                                        + (reason == null ? "" : ": " + reason)
                                : label(row.kind()) + " disabled by an operator; Relay never re-enables it",
                        evidence(row, host),
                        auto && row.kind() == ResourceKind.CHANNEL && row.itemId() != null
                                ? Repair.REPROBE_THEN_ENABLE
                                : Repair.NOT_ALLOWED,
                        row));
            }
            String hostHash = SpecHash.of(host);
            if (!hostHash.equals(row.specHash())) {
                ObjectNode ev = evidence(row, host);
                ev.put("hostSpecHash", hostHash);
                out.add(new Finding(
                        DriftKind.MODIFIED,
                        row.kind(),
                        host.path("id").asString(),
                        row.externalRef(),
                        row.specHash(),
                        row.runId(),
                        row.itemId(),
                        label(row.kind()) + " " + host.path("id").asString() + " was changed on the host (spec hash "
                                + shortHash(hostHash) + ", the ledger recorded " + shortHash(row.specHash()) + ")",
                        ev,
                        Repair.REAPPLY,
                        row));
            }
        }
        String runPrefix = runId == null ? null : runPrefix(runId);
        live.forEach((kind, list) -> {
            for (JsonNode n : list) {
                String ref = n.path("externalRef").asString("");
                if (ledgerRefs.contains(kind.name() + "|" + ref)) {
                    continue;
                }
                if (runPrefix != null && !ref.startsWith(runPrefix)) {
                    continue;
                }
                if (young(n, now, orphanGrace)) {
                    continue;
                }
                Matcher m = REF.matcher(ref);
                UUID run = m.matches() ? UUID.fromString(m.group(1)) : null;
                UUID item = m.matches() && m.group(2) != null ? UUID.fromString(m.group(2)) : null;
                ObjectNode ev = JsonNodeFactory.instance.objectNode();
                ev.put("hostStatus", n.path("status").asString(""));
                ev.put("hostSpecHash", SpecHash.of(n));
                ev.put("createdAt", n.path("createdAt").asString(""));
                out.add(new Finding(
                        DriftKind.ORPHANED,
                        kind,
                        n.path("id").asString(),
                        ref,
                        null,
                        run,
                        item,
                        label(kind) + " " + n.path("id").asString() + " is marked as Relay's on the host but is in no"
                                + " ledger row; left alone",
                        ev,
                        Repair.NOT_ALLOWED,
                        null));
            }
        });
        return new Result(out, checked, exhausted);
    }

    private static boolean young(JsonNode n, Instant now, Duration grace) {
        String created = n.path("createdAt").asString("");
        if (created.isEmpty()) {
            return false;
        }
        try {
            return Instant.parse(created).isAfter(now.minus(grace));
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static ObjectNode evidence(LedgerRow row, JsonNode host) {
        ObjectNode ev = JsonNodeFactory.instance.objectNode();
        ev.put("ledgerResourceId", row.resourceId());
        ev.put("ledgerSpecHash", row.specHash());
        if (host != null) {
            ev.put("hostResourceId", host.path("id").asString());
            ev.put("hostStatus", host.path("status").asString(""));
            if (host.path("statusReason").isString()) {
                ev.put("hostStatusReason", host.path("statusReason").asString());
            }
            ev.put("hostVersion", host.path("version").asLong());
        }
        return ev;
    }

    private static String label(ResourceKind kind) {
        return switch (kind) {
            case CHANNEL -> "channel";
            case GROUP -> "group";
            case CLIENT_KEY -> "client key";
            default -> kind.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String shortHash(String h) {
        return h == null ? "none" : h.substring(0, Math.min(12, h.length()));
    }
}
