package dev.relay.imports.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 problem details of the operator front: {@code type}, {@code title}, {@code status}, {@code detail} and a
 * machine-readable {@code code}; validation adds {@code errors}, one entry per offending item and field.
 */
public final class Problems {

    private Problems() {}

    /** One validation error: the item index (null for run-level fields), the field and what is wrong. */
    public record FieldError(Integer item, String field, String message) {}

    public static ProblemDetail of(HttpStatus status, String code, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("https://relay.dev/problems/" + code));
        p.setTitle(status.getReasonPhrase());
        p.setProperty("code", code);
        return p;
    }

    public static ProblemDetail validation(List<FieldError> errors) {
        ProblemDetail p = of(
                HttpStatus.BAD_REQUEST,
                "validation_failed",
                errors.size() + " problem" + (errors.size() == 1 ? "" : "s") + " in the request; nothing was stored");
        p.setProperty(
                "errors",
                errors.stream()
                        .map(e -> {
                            Map<String, Object> m = new java.util.LinkedHashMap<>();
                            if (e.item() != null) {
                                m.put("item", e.item());
                            }
                            m.put("field", e.field());
                            m.put("message", e.message());
                            return m;
                        })
                        .toList());
        return p;
    }
}
