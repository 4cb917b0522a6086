package dev.relay.imports.runs;

import dev.relay.contracts.AccessMode;
import dev.relay.contracts.ProtocolHint;
import dev.relay.imports.web.Problems.FieldError;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads and validates an import-run request — JSON, or {@code text/plain} / {@code text/csv} lines with the options as
 * query parameters — reporting every problem at once (each with its item index and field). Pure: no I/O.
 *
 * <p>Lines: {@code url key [protocol [models [aliases [priority]]]]}, whitespace-separated ({@code text/plain}) or
 * comma-separated ({@code text/csv}, double quotes allowed, an optional header line starting with {@code url} or
 * {@code baseUrl}); {@code models} separated by {@code ;}, {@code aliases} as {@code public=upstream;...}; blank
 * lines and lines starting with {@code #} are skipped.
 */
public final class RunRequestParser {

    /** Thrown with every problem found; nothing has been stored. */
    public static final class Invalid extends RuntimeException {
        private final transient List<FieldError> errors;

        Invalid(List<FieldError> errors) {
            super(errors.size() + " validation errors");
            this.errors = List.copyOf(errors);
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    static final Set<String> RUN_FIELDS = Set.of("name", "hostId", "access", "smokeModel", "items");
    static final Set<String> ACCESS_FIELDS =
            Set.of("mode", "consumer", "balanceTokens", "allowanceTokens", "period", "expiresAt");
    static final Set<String> ITEM_FIELDS = Set.of(
            "baseUrl",
            "apiKey",
            "protocol",
            "models",
            "aliases",
            "priority",
            "connectTimeoutMs",
            "firstByteTimeoutMs",
            "totalTimeoutMs",
            "extraHeaders");
    static final Set<String> QUERY_OPTIONS = Set.of(
            "name",
            "hostId",
            "mode",
            "consumer",
            "balanceTokens",
            "allowanceTokens",
            "period",
            "expiresAt",
            "smokeModel");
    /** Headers an item may not set: the same rule as the edge's channels (an item's headers become its channel's). */
    static final Set<String> FORBIDDEN_HEADERS = dev.relay.contracts.UpstreamHeaders.MANAGED;
    /** Header names that carry credentials: those belong in apiKey, sealed; extra headers travel in clear. */
    static final java.util.regex.Pattern CREDENTIAL_HEADER =
            java.util.regex.Pattern.compile("(?i).*(key|token|secret|auth|cookie|password|signature).*");

    static final int MAX_TIMEOUT_MS = 3_600_000;
    static final int MAX_MODELS = 500;

    private final int maxItems;
    private final String defaultHost;
    private final Instant now;

    public RunRequestParser(int maxItems, String defaultHost, Instant now) {
        this.maxItems = maxItems;
        this.defaultHost = defaultHost;
        this.now = now;
    }

    // ------------------------------------------------------------------------------------------------ JSON

    public RunRequest json(JsonNode root) {
        List<FieldError> errors = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new Invalid(List.of(new FieldError(null, "", "the body must be a JSON object")));
        }
        unknown(root, RUN_FIELDS, null, "", errors);
        String name = text(root, "name", null, "name", true, 200, errors);
        String hostId = text(root, "hostId", null, "hostId", false, 64, errors);
        String smoke = text(root, "smokeModel", null, "smokeModel", false, 200, errors);
        RunRequest.Access access = access(root.get("access"), errors);
        List<RunRequest.Item> items = new ArrayList<>();
        JsonNode list = root.get("items");
        if (list == null || !list.isArray() || list.isEmpty()) {
            errors.add(new FieldError(null, "items", "a non-empty array of items is required"));
        } else if (list.size() > maxItems) {
            errors.add(new FieldError(null, "items", "at most " + maxItems + " items per run"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                RunRequest.Item item = item(list.get(i), i, errors);
                if (item != null) {
                    items.add(item);
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new Invalid(errors);
        }
        return new RunRequest(name, hostId == null ? defaultHost : hostId, access, smoke, items);
    }

    private RunRequest.Access access(JsonNode a, List<FieldError> errors) {
        if (a == null || a.isNull()) {
            return new RunRequest.Access(AccessMode.SELF_SERVICE, null, null, null, null, null);
        }
        if (!a.isObject()) {
            errors.add(new FieldError(null, "access", "must be an object"));
            return null;
        }
        unknown(a, ACCESS_FIELDS, null, "access.", errors);
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : ACCESS_FIELDS) {
            JsonNode v = a.get(f);
            if (v != null && !v.isNull()) {
                m.put(f, v.isString() ? v.stringValue() : v.toString());
            }
        }
        return access(m, "access.", errors);
    }

    private RunRequest.Access access(Map<String, String> m, String prefix, List<FieldError> errors) {
        AccessMode mode = AccessMode.SELF_SERVICE;
        String modeText = m.get("mode");
        if (modeText != null) {
            switch (modeText.trim().toLowerCase(Locale.ROOT)) {
                case "self_service" -> mode = AccessMode.SELF_SERVICE;
                case "subscription" -> mode = AccessMode.SUBSCRIPTION;
                default -> errors.add(new FieldError(null, prefix + "mode", "must be self_service or subscription"));
            }
        }
        String consumer = m.get("consumer");
        if (consumer != null && (consumer.isBlank() || consumer.length() > 200)) {
            errors.add(new FieldError(null, prefix + "consumer", "at most 200 characters, not blank"));
        }
        Long balance = longValue(m.get("balanceTokens"), prefix + "balanceTokens", 0, errors);
        Long allowance = longValue(m.get("allowanceTokens"), prefix + "allowanceTokens", 1, errors);
        String period = m.get("period");
        if (period != null && !Set.of("day", "week", "month").contains(period)) {
            errors.add(new FieldError(null, prefix + "period", "must be day, week or month"));
        }
        Instant expires = null;
        if (m.get("expiresAt") != null) {
            try {
                expires = Instant.parse(m.get("expiresAt"));
                if (!expires.isAfter(now)) {
                    errors.add(new FieldError(null, prefix + "expiresAt", "must be in the future"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(null, prefix + "expiresAt", "must be an ISO-8601 instant"));
            }
        }
        if (mode == AccessMode.SUBSCRIPTION) {
            if (allowance == null && m.get("allowanceTokens") == null) {
                errors.add(new FieldError(null, prefix + "allowanceTokens", "required for a subscription"));
            }
            if (balance != null) {
                errors.add(new FieldError(
                        null, prefix + "balanceTokens", "a subscription has an allowance, not a balance"));
            }
            period = period == null ? "month" : period;
        } else if (allowance != null || period != null || expires != null) {
            errors.add(new FieldError(
                    null, prefix + "mode", "allowanceTokens, period and expiresAt need mode subscription"));
        }
        return new RunRequest.Access(mode, consumer, balance, allowance, period, expires);
    }

    private RunRequest.Item item(JsonNode n, int i, List<FieldError> errors) {
        if (n == null || !n.isObject()) {
            errors.add(new FieldError(i, "", "an item must be an object"));
            return null;
        }
        int before = errors.size();
        unknown(n, ITEM_FIELDS, i, "", errors);
        String baseUrl = text(n, "baseUrl", i, "baseUrl", true, 2048, errors);
        String apiKey = n.path("apiKey").isString() ? n.get("apiKey").stringValue() : null;
        ProtocolHint protocol = null;
        JsonNode p = n.get("protocol");
        if (p != null && !p.isNull()) {
            protocol = protocol(p.isString() ? p.stringValue() : p.toString(), i, errors);
        }
        List<String> models = new ArrayList<>();
        JsonNode ms = n.get("models");
        if (ms != null && !ms.isNull()) {
            if (!ms.isArray()) {
                errors.add(new FieldError(i, "models", "must be an array of model names"));
            } else {
                ms.values().forEach(m -> models.add(m.isString() ? m.stringValue() : null));
            }
        }
        Map<String, String> aliases = stringMap(n.get("aliases"), i, "aliases", errors);
        Integer priority = intValue(n.get("priority"), i, "priority", errors);
        Integer ct = intValue(n.get("connectTimeoutMs"), i, "connectTimeoutMs", errors);
        Integer fb = intValue(n.get("firstByteTimeoutMs"), i, "firstByteTimeoutMs", errors);
        Integer tt = intValue(n.get("totalTimeoutMs"), i, "totalTimeoutMs", errors);
        Map<String, String> headers = stringMap(n.get("extraHeaders"), i, "extraHeaders", errors);
        RunRequest.Item item = new RunRequest.Item(
                baseUrl, apiKey, protocol, models, aliases, priority == null ? 0 : priority, ct, fb, tt, headers);
        check(item, i, errors);
        return errors.size() == before ? item : null;
    }

    // ------------------------------------------------------------------------------------------------ lines

    /** {@code text/plain} (whitespace) or {@code text/csv} (commas) with the run options as query parameters. */
    public RunRequest lines(String body, boolean csv, Map<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        for (String q : query.keySet()) {
            if (!QUERY_OPTIONS.contains(q)) {
                errors.add(new FieldError(null, q, "unknown query parameter"));
            }
        }
        String name = query.get("name");
        if (name == null || name.isBlank() || name.length() > 200) {
            errors.add(new FieldError(null, "name", "the query parameter name is required (at most 200 characters)"));
        }
        Map<String, String> accessOptions = new LinkedHashMap<>();
        for (String f : ACCESS_FIELDS) {
            if (query.containsKey(f)) {
                accessOptions.put(f, query.get(f));
            }
        }
        RunRequest.Access access = access(accessOptions, "", errors);
        List<RunRequest.Item> items = new ArrayList<>();
        String[] lines = body == null ? new String[0] : body.split("\r?\n", -1);
        int index = 0;
        for (int ln = 0; ln < lines.length; ln++) {
            String line = lines[ln].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> cols = csv ? csvColumns(line) : List.of(line.split("\\s+"));
            if (csv
                    && index == 0
                    && items.isEmpty()
                    && !cols.isEmpty()
                    && (cols.getFirst().equalsIgnoreCase("url")
                            || cols.getFirst().equalsIgnoreCase("baseUrl"))) {
                continue; // header line
            }
            int i = index++;
            if (index > maxItems) {
                errors.add(new FieldError(null, "items", "at most " + maxItems + " items per run"));
                break;
            }
            int before = errors.size();
            if (cols.size() < 2 || cols.size() > 6) {
                errors.add(new FieldError(
                        i,
                        "line",
                        "line " + (ln + 1) + ": expected 'url key [protocol [models [aliases [priority]]]]'"));
                continue;
            }
            ProtocolHint protocol = cols.size() > 2 && !cols.get(2).isBlank() ? protocol(cols.get(2), i, errors) : null;
            List<String> models = new ArrayList<>();
            if (cols.size() > 3 && !cols.get(3).isBlank()) {
                for (String m : cols.get(3).split(";")) {
                    models.add(m.strip());
                }
            }
            Map<String, String> aliases = new LinkedHashMap<>();
            if (cols.size() > 4 && !cols.get(4).isBlank()) {
                for (String a : cols.get(4).split(";")) {
                    int eq = a.indexOf('=');
                    if (eq <= 0 || eq == a.length() - 1) {
                        errors.add(
                                new FieldError(i, "aliases", "line " + (ln + 1) + ": aliases are public=upstream;..."));
                    } else {
                        aliases.put(
                                a.substring(0, eq).strip(), a.substring(eq + 1).strip());
                    }
                }
            }
            Integer priority = null;
            if (cols.size() > 5 && !cols.get(5).isBlank()) {
                try {
                    priority = Integer.parseInt(cols.get(5).strip());
                } catch (NumberFormatException e) {
                    errors.add(new FieldError(i, "priority", "line " + (ln + 1) + ": priority must be an integer"));
                }
            }
            RunRequest.Item item = new RunRequest.Item(
                    cols.get(0),
                    cols.get(1),
                    protocol,
                    models,
                    aliases,
                    priority == null ? 0 : priority,
                    null,
                    null,
                    null,
                    Map.of());
            check(item, i, errors);
            if (errors.size() == before) {
                items.add(item);
            }
        }
        if (index == 0) {
            errors.add(new FieldError(null, "items", "no item lines in the body"));
        }
        if (!errors.isEmpty()) {
            throw new Invalid(errors);
        }
        String host = query.get("hostId");
        return new RunRequest(
                name, host == null || host.isBlank() ? defaultHost : host, access, query.get("smokeModel"), items);
    }

    /** One CSV line: commas separate, double quotes group (a doubled quote inside is one quote). */
    static List<String> csvColumns(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().strip());
        return out;
    }

    // ------------------------------------------------------------------------------------------------ checks

    private void check(RunRequest.Item item, int i, List<FieldError> errors) {
        if (item.baseUrl() != null) {
            String why = urlProblem(item.baseUrl());
            if (why != null) {
                errors.add(new FieldError(i, "baseUrl", why));
            }
        }
        String key = item.apiKey();
        if (key == null || key.isEmpty()) {
            errors.add(new FieldError(i, "apiKey", "required"));
        } else if (key.length() > 8192) {
            errors.add(new FieldError(i, "apiKey", "at most 8192 characters"));
        } else if (key.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            errors.add(new FieldError(i, "apiKey", "must not contain whitespace or control characters"));
        }
        if (item.models().size() > MAX_MODELS) {
            errors.add(new FieldError(i, "models", "at most " + MAX_MODELS + " models"));
        }
        for (String m : item.models()) {
            if (m == null || m.isBlank() || m.length() > 200) {
                errors.add(new FieldError(i, "models", "model names are non-blank strings of at most 200 characters"));
                break;
            }
        }
        item.aliases().forEach((pub, up) -> {
            if (!pub.matches("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}")) {
                errors.add(
                        new FieldError(i, "aliases", "public name '" + pub + "' may use letters, digits and ._:/@+-"));
            }
            if (up == null || up.isBlank() || up.length() > 200) {
                errors.add(
                        new FieldError(i, "aliases", "the upstream name of '" + pub + "' must be a non-blank string"));
            }
        });
        timeout(item.connectTimeoutMs(), i, "connectTimeoutMs", errors);
        timeout(item.firstByteTimeoutMs(), i, "firstByteTimeoutMs", errors);
        timeout(item.totalTimeoutMs(), i, "totalTimeoutMs", errors);
        if (item.firstByteTimeoutMs() != null
                && item.totalTimeoutMs() != null
                && item.firstByteTimeoutMs() > item.totalTimeoutMs()) {
            errors.add(new FieldError(i, "firstByteTimeoutMs", "must not exceed totalTimeoutMs"));
        }
        item.extraHeaders().forEach((h, v) -> {
            if (!h.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}")) {
                errors.add(new FieldError(i, "extraHeaders", "'" + h + "' is not a valid header name"));
            } else if (FORBIDDEN_HEADERS.contains(h.toLowerCase(Locale.ROOT))) {
                errors.add(new FieldError(
                        i, "extraHeaders", "'" + h + "' is managed by the edge (hop-by-hop headers and credentials)"));
            } else if (CREDENTIAL_HEADER.matcher(h).matches()) {
                errors.add(new FieldError(
                        i,
                        "extraHeaders",
                        "'" + h + "' looks like a credential: put the key in apiKey (sealed);"
                                + " extra headers are stored and sent in clear"));
            }
            if (v == null || v.length() > 4096 || v.chars().anyMatch(c -> Character.isISOControl(c) || c > 0xFF)) {
                errors.add(new FieldError(
                        i, "extraHeaders", "the value of '" + h + "' must be a string without control characters"));
            }
        });
    }

    /** Why a base URL is unusable, or null. Shape only: where it points is the URL guard's decision, later. */
    static String urlProblem(String url) {
        URI u;
        try {
            u = new URI(url.strip());
        } catch (Exception e) {
            return "not a valid URL";
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an absolute http or https URL";
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            return "has no host";
        }
        if (u.getRawUserInfo() != null) {
            return "must not carry user info; put the key in apiKey";
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            return "must not have a query or fragment";
        }
        return null;
    }

    private static ProtocolHint protocol(String v, Integer i, List<FieldError> errors) {
        try {
            return ProtocolHint.parse(v);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(i, "protocol", "must be openai, anthropic or auto"));
            return null;
        }
    }

    private static void timeout(Integer v, int i, String field, List<FieldError> errors) {
        if (v != null && (v < 1 || v > MAX_TIMEOUT_MS)) {
            errors.add(new FieldError(i, field, "must be between 1 and " + MAX_TIMEOUT_MS));
        }
    }

    private static void unknown(JsonNode n, Set<String> known, Integer i, String prefix, List<FieldError> errors) {
        for (String f : n.propertyNames()) {
            if (!known.contains(f)) {
                errors.add(new FieldError(i, prefix + f, "unknown field"));
            }
        }
    }

    private static String text(
            JsonNode n, String f, Integer i, String field, boolean required, int max, List<FieldError> errors) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add(new FieldError(i, field, "required"));
            }
            return null;
        }
        if (!v.isString() || v.stringValue().isBlank() || v.stringValue().length() > max) {
            errors.add(new FieldError(i, field, "must be a non-blank string of at most " + max + " characters"));
            return null;
        }
        return v.stringValue().strip();
    }

    private static Integer intValue(JsonNode v, int i, String field, List<FieldError> errors) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            errors.add(new FieldError(i, field, "must be an integer"));
            return null;
        }
        return v.intValue();
    }

    private static Long longValue(String v, String field, long min, List<FieldError> errors) {
        if (v == null) {
            return null;
        }
        try {
            long l = Long.parseLong(v.strip());
            if (l < min) {
                errors.add(new FieldError(null, field, "must be at least " + min));
                return null;
            }
            return l;
        } catch (NumberFormatException e) {
            errors.add(new FieldError(null, field, "must be an integer"));
            return null;
        }
    }

    private static Map<String, String> stringMap(JsonNode v, int i, String field, List<FieldError> errors) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            errors.add(new FieldError(i, field, "must be an object of strings"));
            return out;
        }
        for (String k : v.propertyNames()) {
            JsonNode s = v.get(k);
            if (!s.isString()) {
                errors.add(new FieldError(i, field, "the value of '" + k + "' must be a string"));
            } else {
                out.put(k, s.stringValue());
            }
        }
        return out;
    }
}
