package dev.relay.access.confirmation;

import dev.relay.access.items.AccessItems;
import dev.relay.access.items.AccessItems.Item;
import dev.relay.access.items.AccessItems.Stage;
import dev.relay.contracts.FailureClass;
import dev.relay.contracts.ProbeCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /internal/items/{itemId}/verification}: reconcile-service's re-verification of a ready item — the same
 * calls as the confirmation window (the models list and a minimal call through the edge's client URL with the run's
 * key, pinned to each of the item's channels), metered as {@code verification}, once, no window; on a failure the same
 * direct call to the upstream classifies it ({@code HOST_COMPATIBILITY_GAP}, {@code UPSTREAM_KEY_QUOTA_ISSUE} or a
 * probe class). access-service answers because it holds the item's sealed run key, channels and probe result; the
 * caller records the outcome. Behind the operator token like every path here; not part of the operator API.
 */
@RestController
public class VerificationController {

    private final AccessItems items;
    private final Confirmer confirmer;

    public VerificationController(AccessItems items, Confirmer confirmer) {
        this.items = items;
        this.confirmer = confirmer;
    }

    @PostMapping("/internal/items/{itemId}/verification")
    public ResponseEntity<?> verify(@PathVariable String itemId) {
        UUID id;
        try {
            id = UUID.fromString(itemId);
        } catch (IllegalArgumentException e) {
            return problem(HttpStatus.BAD_REQUEST, "invalid_parameter", "itemId is not a UUID");
        }
        Item item = items.find(id, false).orElse(null);
        if (item == null) {
            return problem(HttpStatus.NOT_FOUND, "item_not_found", "access-service holds no item " + id);
        }
        if (item.stage() != Stage.READY) {
            return problem(
                    HttpStatus.CONFLICT,
                    "item_not_ready",
                    "item " + id + " is " + item.stage().name().toLowerCase(java.util.Locale.ROOT)
                            + ", only a ready item is re-verified");
        }
        Confirmer.Attempt a = confirmer.attempt(item, "verification");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("itemId", id);
        out.put("ok", a.ok());
        out.put("detail", a.note());
        out.put("edgeEvidence", a.evidence());
        if (a.ok()) {
            out.put("classification", null);
            out.put("directEvidence", List.of());
        } else {
            List<ProbeCall> direct = new ArrayList<>();
            FailureClass cls = confirmer.classify(item, a, direct);
            out.put("classification", cls.name());
            out.put("edgeStatus", a.failing() == null ? null : a.failing().status());
            out.put(
                    "channelId",
                    a.failingTarget() == null ? null : a.failingTarget().channelId());
            out.put("directEvidence", direct);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(java.net.URI.create("https://relay.dev/problems/" + code));
        p.setTitle(status.getReasonPhrase());
        p.setProperty("code", code);
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }
}
