package dev.relay.gateway.config;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An {@code If-Match} condition on a resource's row version. Entity tags are the decimal version in quotes
 * ({@code "3"}); weak tags ({@code W/"3"}) compare the same way; {@code *} or no header matches any version.
 */
public record Precondition(Set<Long> versions, boolean any) {

    public static final Precondition ANY = new Precondition(Set.of(), true);

    public Precondition {
        versions = Set.copyOf(versions);
    }

    public static Precondition version(long version) {
        return new Precondition(Set.of(version), false);
    }

    /** Parses an {@code If-Match} header value (null or blank = no condition). An unparsable tag matches nothing. */
    public static Precondition fromIfMatch(String header) {
        if (header == null || header.isBlank()) {
            return ANY;
        }
        Set<Long> versions = new LinkedHashSet<>();
        for (String raw : header.split(",")) {
            String tag = raw.trim();
            if (tag.equals("*")) {
                return ANY;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
                tag = tag.substring(1, tag.length() - 1);
            }
            try {
                versions.add(Long.parseLong(tag));
            } catch (NumberFormatException ex) {
                // an entity tag we never issued: matches no version
            }
        }
        return new Precondition(versions, false);
    }

    public boolean matches(long version) {
        return any || versions.contains(version);
    }

    /** The strong entity tag of a row version, quoted as HTTP wants it. */
    public static String etag(long version) {
        return "\"" + version + "\"";
    }
}
