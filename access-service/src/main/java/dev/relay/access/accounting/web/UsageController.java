package dev.relay.access.accounting.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The request history and usage summaries (the summaries read only the hourly roll-ups). */
@RestController
@RequestMapping("/api/usage")
public class UsageController {

    private static final Set<String> PURPOSES = Set.of("CLIENT", "CONFIRMATION", "VERIFICATION");

    private final AccountingQueries queries;

    public UsageController(AccountingQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/requests")
    public AccountingQueries.Page<AccountingQueries.RequestView> requests(
            @RequestParam(required = false) String key,
            @RequestParam(required = false) String consumer,
            @RequestParam(required = false) String model,
            @RequestParam(required = false) String channel,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String purpose,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return queries.requests(
                filters(key, consumer, model, channel, status, purpose, from, to),
                cursor,
                Cursors.limit(limit, 100, 1000));
    }

    @GetMapping("/summary")
    public AccountingQueries.Summary summary(
            @RequestParam(required = false) String groupBy,
            @RequestParam(required = false) String bucket,
            @RequestParam(required = false) String key,
            @RequestParam(required = false) String consumer,
            @RequestParam(required = false) String model,
            @RequestParam(required = false) String channel,
            @RequestParam(required = false) String purpose,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return queries.summary(
                groupBy,
                bucket,
                filters(key, consumer, model, channel, null, purpose, from, to),
                cursor,
                Cursors.limit(limit, 500, 5000));
    }

    private static AccountingQueries.Filters filters(
            String key,
            String consumer,
            String model,
            String channel,
            String status,
            String purpose,
            String from,
            String to) {
        UUID consumerId = null;
        if (consumer != null) {
            try {
                consumerId = UUID.fromString(consumer);
            } catch (IllegalArgumentException e) {
                throw new AccountingProblems.ProblemException(
                        HttpStatus.BAD_REQUEST, "invalid_parameter", "consumer must be a consumer id");
            }
        }
        String p = null;
        if (purpose != null) {
            p = purpose.trim().toUpperCase(Locale.ROOT);
            if (!PURPOSES.contains(p)) {
                throw new AccountingProblems.ProblemException(
                        HttpStatus.BAD_REQUEST,
                        "invalid_parameter",
                        "purpose must be client, confirmation or verification");
            }
        }
        Instant f = instant("from", from);
        Instant t = instant("to", to);
        if (f != null && t != null && !f.isBefore(t)) {
            throw new AccountingProblems.ProblemException(
                    HttpStatus.BAD_REQUEST, "invalid_parameter", "from must be before to");
        }
        return new AccountingQueries.Filters(key, consumerId, model, channel, status, p, f, t);
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new AccountingProblems.ProblemException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_parameter",
                    name + " must be an ISO-8601 instant, e.g. 2026-01-31T00:00:00Z");
        }
    }
}
