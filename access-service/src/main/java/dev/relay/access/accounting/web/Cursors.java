package dev.relay.access.accounting.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.springframework.http.HttpStatus;

/** Opaque keyset cursors: {@code base64url(<instant>|<id>)}. */
final class Cursors {

    /** A position: the time and the id of the last row of the page before. */
    record Position(Instant at, String id) {}

    private Cursors() {}

    static String encode(Instant at, String id) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((at.toString() + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Position decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = s.indexOf('|');
            return new Position(Instant.parse(s.substring(0, bar)), s.substring(bar + 1));
        } catch (RuntimeException e) {
            throw new AccountingProblems.ProblemException(
                    HttpStatus.BAD_REQUEST, "invalid_cursor", "cursor is not one this API returned");
        }
    }

    static int limit(Integer limit, int dflt, int max) {
        if (limit == null) {
            return dflt;
        }
        if (limit < 1 || limit > max) {
            throw new AccountingProblems.ProblemException(
                    HttpStatus.BAD_REQUEST, "invalid_parameter", "limit must be 1 to " + max);
        }
        return limit;
    }
}
