package dev.relay.gateway.config;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A position in an admin list (creation time, then id: the lists' order), handed out as an opaque {@code next} token
 * and taken back as {@code after}. A token that does not decode is a 400 {@code invalid_value}.
 */
public record ListCursor(Instant createdAt, String id) {

    public String token() {
        long micros =
                Math.addExact(Math.multiplyExact(createdAt.getEpochSecond(), 1_000_000L), createdAt.getNano() / 1_000);
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static ListCursor parse(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            long micros = Long.parseLong(s.substring(0, colon));
            String id = s.substring(colon + 1);
            if (id.isEmpty() || id.length() > 200) {
                throw new IllegalArgumentException("no id");
            }
            return new ListCursor(
                    Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000),
                    id);
        } catch (RuntimeException e) {
            throw ConfigException.invalid(
                    "invalid_value", "after", "after is not a position this list handed out (use the page's next)");
        }
    }
}
