package dev.relay.gateway.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Validation rules shared by the resource specs; each failure names the field. */
final class Checks {

    static final int NAME_MAX = 200;
    static final int MANAGED_BY_MAX = 64;
    static final int EXTERNAL_REF_MAX = 255;

    private Checks() {}

    static String requiredText(String value, String param, int max) {
        if (value == null || value.isBlank()) {
            throw ConfigException.invalid("missing_field", param, param + " is required");
        }
        return optionalText(value, param, max);
    }

    static String optionalText(String value, String param, int max) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty()) {
            throw ConfigException.invalid(param, param + " must not be blank");
        }
        if (v.length() > max) {
            throw ConfigException.invalid(param, param + " must be at most " + max + " characters");
        }
        if (hasControl(v)) {
            throw ConfigException.invalid(param, param + " must not contain control characters");
        }
        return v;
    }

    /**
     * Free text written by people and by the gateway itself (e.g. an upstream error excerpt in a status reason):
     * control characters become spaces and overlong text is cut, rather than refused.
     */
    static String freeText(String value, int max) {
        if (value == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && b.length() < max; i++) {
            char c = value.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        String v = b.toString().strip();
        return v.isEmpty() ? null : v;
    }

    /** Model names: non-blank, no whitespace or control characters, de-duplicated in order. */
    static List<String> names(List<String> values, String param, boolean required) {
        if (values == null || values.isEmpty()) {
            if (required) {
                throw ConfigException.invalid("missing_field", param, param + " must be a non-empty list");
            }
            return List.of();
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : values) {
            out.add(name(v, param));
        }
        return List.copyOf(new ArrayList<>(out));
    }

    static String name(String v, String param) {
        if (v == null || v.isBlank()) {
            throw ConfigException.invalid(param, param + " must not contain blank names");
        }
        if (v.length() > NAME_MAX) {
            throw ConfigException.invalid(param, param + " names must be at most " + NAME_MAX + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isWhitespace(v.charAt(i)) || Character.isISOControl(v.charAt(i))) {
                throw ConfigException.invalid(param, param + " names must not contain whitespace: '" + v + "'");
            }
        }
        return v;
    }

    /** managedBy / externalRef: externalRef needs a managedBy (the pair is the idempotency key). */
    static void ownership(String managedBy, String externalRef) {
        if (externalRef != null && managedBy == null) {
            throw ConfigException.invalid("missing_field", "managedBy", "externalRef needs managedBy");
        }
    }

    static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
