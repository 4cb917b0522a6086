package dev.relay.probe.logic;

import dev.relay.contracts.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What probing knows about vendors, read from the versioned data file {@value #RESOURCE} (vendor knowledge is data, not
 * code): host patterns, API base paths per protocol, model-name prefixes, alias table, embedding-name patterns and the
 * dialect the edge should use. The file is validated loudly when loaded: every problem is listed, with its JSON path.
 *
 * <p>Immutable and thread-safe; load it once.
 */
public final class VendorCatalog {

    /** The classpath resource {@link #load()} reads. */
    public static final String RESOURCE = "/vendors/vendors.json";

    /** The id of the fallback vendor, used for every host no vendor claims. */
    public static final String UNKNOWN = "unknown";

    /** The edge's reasoning-control wire names ({@code dialect.reasoning}). */
    public static final Set<String> REASONING_VALUES = Set.of(
            "none", "reasoning_effort", "enable_thinking", "thinking_type", "reasoning_object", "chat_template_kwargs");

    /** The edge's system-message placement wire names ({@code dialect.systemMessages}). */
    public static final Set<String> SYSTEM_MESSAGES_VALUES = Set.of("inline", "leading");

    private static final Pattern VERSION_SEGMENT = Pattern.compile(".*/v[0-9]+(beta)?");
    private static final Pattern HOST_PATTERN =
            Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
    private static final Pattern VENDOR_ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Set<String> ROOT_FIELDS = Set.of("version", "notes", "embeddingPatterns", "vendors");
    private static final Set<String> VENDOR_FIELDS =
            Set.of("id", "name", "hosts", "basePaths", "modelPrefixes", "aliases", "embeddingPatterns", "dialect");
    private static final Set<String> DIALECT_FIELDS = Set.of("reasoning", "systemMessages");

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * One vendor.
     *
     * @param id stable identifier ({@code deepseek}, {@code unknown}) as reported in {@code ProbeResult.vendor}
     * @param hosts host patterns, lower case: {@code api.deepseek.com} or {@code *.moonshot.cn}
     * @param basePaths per protocol, most likely first: for {@link Protocol#OPENAI} the API base path (ends in a version
     *     segment), for {@link Protocol#ANTHROPIC} the Anthropic SDK base path ({@code /v1/messages} is appended)
     * @param modelPrefixes organisation prefixes on aggregators, each ending in {@code /}
     * @param aliases well-known alternate name → the name the vendor's API serves, in file order
     * @param embeddingPatterns vendor-specific patterns (in addition to the catalog's) marking embedding models
     * @param dialect what the edge should set as the channel's dialect
     */
    public record Vendor(
            String id,
            String name,
            List<String> hosts,
            Map<Protocol, List<String>> basePaths,
            List<String> modelPrefixes,
            Map<String, String> aliases,
            List<Pattern> embeddingPatterns,
            Dialect dialect) {

        public Vendor {
            hosts = List.copyOf(hosts);
            EnumMap<Protocol, List<String>> paths = new EnumMap<>(Protocol.class);
            basePaths.forEach((p, l) -> paths.put(p, List.copyOf(l)));
            basePaths = Collections.unmodifiableMap(paths);
            modelPrefixes = List.copyOf(modelPrefixes);
            aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
            embeddingPatterns = List.copyOf(embeddingPatterns);
        }

        /** The known base paths for one protocol (see {@link #basePaths}); empty when the vendor does not speak it. */
        public List<String> basePaths(Protocol protocol) {
            return basePaths.getOrDefault(protocol, List.of());
        }

        /** Whether this is the {@value VendorCatalog#UNKNOWN} fallback. */
        public boolean isUnknown() {
            return UNKNOWN.equals(id);
        }
    }

    /**
     * The channel dialect the edge should use for a vendor, as the edge's wire names.
     *
     * @param reasoning one of {@link #REASONING_VALUES}
     * @param systemMessages one of {@link #SYSTEM_MESSAGES_VALUES}
     */
    public record Dialect(String reasoning, String systemMessages) {}

    private final int version;
    private final List<Vendor> vendors;
    private final Vendor unknown;
    private final List<Pattern> embeddingPatterns;
    private final List<String> modelPrefixes;

    private VendorCatalog(int version, List<Vendor> vendors, List<Pattern> embeddingPatterns) {
        this.version = version;
        this.vendors = List.copyOf(vendors);
        this.unknown = vendors.stream().filter(Vendor::isUnknown).findFirst().orElseThrow();
        this.embeddingPatterns = List.copyOf(embeddingPatterns);
        Set<String> prefixes = new LinkedHashSet<>();
        vendors.forEach(v -> v.modelPrefixes().forEach(p -> prefixes.add(p.toLowerCase(Locale.ROOT))));
        this.modelPrefixes = List.copyOf(prefixes);
    }

    /**
     * Reads and validates {@value #RESOURCE} from the classpath.
     *
     * @throws IllegalStateException when the resource is missing, is not JSON, or breaks a rule (every broken rule is
     *     listed)
     */
    public static VendorCatalog load() {
        try (InputStream in = VendorCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("vendor catalog " + RESOURCE + " is not on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vendor catalog " + RESOURCE, e);
        }
    }

    /**
     * Parses and validates a catalog document.
     *
     * @param source where the text came from, for error messages
     * @throws IllegalStateException when the text is not JSON or breaks a rule (every broken rule is listed)
     */
    public static VendorCatalog parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalStateException(
                    "vendor catalog " + source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        List<String> errors = new ArrayList<>();
        VendorCatalog catalog = read(root, errors);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("vendor catalog " + source + " is invalid (" + errors.size() + " problem"
                    + (errors.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", errors));
        }
        return catalog;
    }

    /** The data file's {@code version}. */
    public int version() {
        return version;
    }

    /** Every vendor in file order, the {@value #UNKNOWN} fallback included. */
    public List<Vendor> vendors() {
        return vendors;
    }

    /** The {@value #UNKNOWN} fallback vendor. */
    public Vendor unknown() {
        return unknown;
    }

    /** The vendor with this id, if any. */
    public Optional<Vendor> vendor(String id) {
        return vendors.stream().filter(v -> v.id().equals(id)).findFirst();
    }

    /** Patterns (every vendor's) that mark an embedding model, in addition to the vendor's own. */
    public List<Pattern> embeddingPatterns() {
        return embeddingPatterns;
    }

    /** Every vendor's model prefixes, lower case, file order, without duplicates. */
    public List<String> modelPrefixes() {
        return modelPrefixes;
    }

    /**
     * The vendor whose host pattern matches the URL's host (case-insensitive, a trailing dot ignored); an exact host
     * pattern wins over a wildcard, a longer wildcard over a shorter one. The {@value #UNKNOWN} vendor when none
     * matches or the URL has no host.
     */
    public Vendor vendorFor(URI url) {
        return url == null ? unknown : vendorForHost(url.getHost());
    }

    /** {@link #vendorFor(URI)} for a bare host name. */
    public Vendor vendorForHost(String host) {
        if (host == null || host.isBlank()) {
            return unknown;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        Vendor best = null;
        int bestScore = -1;
        for (Vendor v : vendors) {
            for (String p : v.hosts()) {
                if (hostMatches(p, h)) {
                    int score = p.startsWith("*.") ? p.length() : Integer.MAX_VALUE;
                    if (score > bestScore) {
                        best = v;
                        bestScore = score;
                    }
                }
            }
        }
        return best == null ? unknown : best;
    }

    /**
     * The alias table a vendor's names are corrected with: the vendor's own entries first, then every other vendor's
     * (aggregators serve every vendor's models). Keys are {@link NameKeys#bareKey} forms; the first entry for a key
     * wins.
     */
    Map<String, String> aliasTable(Vendor vendor) {
        Map<String, String> out = new LinkedHashMap<>();
        vendor.aliases().forEach((k, v) -> out.putIfAbsent(NameKeys.bareKey(k), v));
        for (Vendor other : vendors) {
            if (other != vendor) {
                other.aliases().forEach((k, v) -> out.putIfAbsent(NameKeys.bareKey(k), v));
            }
        }
        return out;
    }

    static boolean hostMatches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            return host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1;
        }
        return pattern.equals(host);
    }

    // ------------------------------------------------------------------------------------------------ validation

    private static VendorCatalog read(JsonNode root, List<String> errors) {
        if (root == null || !root.isObject()) {
            errors.add("$: the document must be a JSON object");
            return null;
        }
        unknownFields(root, ROOT_FIELDS, "$", errors);
        int version = 0;
        JsonNode v = root.get("version");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
            errors.add("$.version: required, an integer >= 1");
        } else {
            version = v.intValue();
        }
        JsonNode notes = root.get("notes");
        if (notes != null) {
            strings(notes, "$.notes", errors);
        }
        List<Pattern> globalPatterns = patterns(root.get("embeddingPatterns"), "$.embeddingPatterns", errors);
        JsonNode list = root.get("vendors");
        List<Vendor> vendors = new ArrayList<>();
        if (list == null || !list.isArray() || list.isEmpty()) {
            errors.add("$.vendors: required, a non-empty array");
        } else {
            int i = 0;
            for (JsonNode n : list.values()) {
                Vendor vendor = vendor(n, "$.vendors[" + i + "]", errors);
                if (vendor != null) {
                    vendors.add(vendor);
                }
                i++;
            }
        }
        crossChecks(vendors, errors);
        if (!errors.isEmpty()) {
            return null;
        }
        return new VendorCatalog(version, vendors, globalPatterns);
    }

    private static void crossChecks(List<Vendor> vendors, List<String> errors) {
        Set<String> ids = new LinkedHashSet<>();
        Map<String, String> hostOwner = new HashMap<>();
        for (Vendor v : vendors) {
            if (!ids.add(v.id())) {
                errors.add("vendor id '" + v.id() + "' appears more than once");
            }
            for (String h : v.hosts()) {
                String owner = hostOwner.putIfAbsent(h, v.id());
                if (owner != null) {
                    errors.add("host '" + h + "' is claimed by both '" + owner + "' and '" + v.id() + "'");
                }
            }
        }
        if (!ids.contains(UNKNOWN)) {
            errors.add("$.vendors: the fallback vendor '" + UNKNOWN + "' is missing");
        }
    }

    private static Vendor vendor(JsonNode n, String at, List<String> errors) {
        if (!n.isObject()) {
            errors.add(at + ": must be an object");
            return null;
        }
        int before = errors.size();
        unknownFields(n, VENDOR_FIELDS, at, errors);
        String id = requiredString(n, "id", at, errors);
        if (id != null && !VENDOR_ID.matcher(id).matches()) {
            errors.add(at + ".id: '" + id + "' must be lower-case letters, digits and '-'");
        }
        String where = id == null ? at : at + " (" + id + ")";
        String name = requiredString(n, "name", where, errors);
        List<String> hosts = hosts(n.get("hosts"), where + ".hosts", errors);
        if (UNKNOWN.equals(id) && !hosts.isEmpty()) {
            errors.add(where + ".hosts: the fallback vendor claims no hosts");
        }
        Map<Protocol, List<String>> basePaths = basePaths(n.get("basePaths"), where + ".basePaths", errors);
        List<String> prefixes = prefixes(n.get("modelPrefixes"), where + ".modelPrefixes", errors);
        Map<String, String> aliases = aliases(n.get("aliases"), where + ".aliases", errors);
        List<Pattern> patterns = patterns(n.get("embeddingPatterns"), where + ".embeddingPatterns", errors);
        Dialect dialect = dialect(n.get("dialect"), where + ".dialect", errors);
        if (errors.size() > before) {
            return null;
        }
        return new Vendor(id, name, hosts, basePaths, prefixes, aliases, patterns, dialect);
    }

    private static List<String> hosts(JsonNode n, String at, List<String> errors) {
        List<String> out = strings(n, at, errors);
        for (String h : out) {
            if (!HOST_PATTERN.matcher(h).matches()) {
                errors.add(at + ": '" + h + "' is not a lower-case host name or '*.domain' pattern");
            }
        }
        return out;
    }

    private static Map<Protocol, List<String>> basePaths(JsonNode n, String at, List<String> errors) {
        Map<Protocol, List<String>> out = new EnumMap<>(Protocol.class);
        if (n == null || !n.isObject()) {
            errors.add(at + ": required, an object keyed by protocol (openai, anthropic)");
            return out;
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            Protocol protocol;
            try {
                protocol = Protocol.valueOf(e.getKey().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                errors.add(at + ": unknown protocol '" + e.getKey() + "' (openai, anthropic)");
                continue;
            }
            if (!e.getKey().equals(e.getKey().toLowerCase(Locale.ROOT))) {
                errors.add(at + ": protocol key '" + e.getKey() + "' must be lower case");
            }
            String where = at + "." + e.getKey();
            List<String> paths = strings(e.getValue(), where, errors);
            if (paths.isEmpty()) {
                errors.add(where + ": list at least one path, or leave the protocol out");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String p : paths) {
                if (!seen.add(p)) {
                    errors.add(where + ": '" + p + "' is listed twice");
                }
                if (!(p.isEmpty() || p.startsWith("/"))
                        || p.endsWith("/")
                        || p.contains("//")
                        || p.matches(".*[\\s?#].*")) {
                    errors.add(where + ": '" + p + "' must be '' or start with '/', without a trailing '/',"
                            + " whitespace, query or fragment");
                    continue;
                }
                boolean versioned = VERSION_SEGMENT.matcher(p).matches();
                if (protocol == Protocol.OPENAI && !versioned) {
                    errors.add(where + ": '" + p + "' must end in a version segment (/v1, /v4 ...): the edge"
                            + " appends /v1 to any other base");
                }
                if (protocol == Protocol.ANTHROPIC && versioned) {
                    errors.add(where + ": '" + p + "' is the Anthropic SDK base and must not end in a version"
                            + " segment (/v1 is appended to it)");
                }
            }
            out.put(protocol, paths);
        }
        return out;
    }

    private static List<String> prefixes(JsonNode n, String at, List<String> errors) {
        List<String> out = strings(n, at, errors);
        for (String p : out) {
            if (!p.endsWith("/") || p.startsWith("/") || p.length() < 2 || p.matches(".*\\s.*")) {
                errors.add(at + ": '" + p + "' must be like 'org/' (no whitespace, no leading '/')");
            }
        }
        return out;
    }

    private static Map<String, String> aliases(JsonNode n, String at, List<String> errors) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || !n.isObject()) {
            errors.add(at + ": required, an object (may be empty)");
            return out;
        }
        Map<String, String> byKey = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            String alias = e.getKey();
            JsonNode t = e.getValue();
            if (!t.isString() || t.stringValue().isBlank() || alias.isBlank()) {
                errors.add(at + "['" + alias + "']: alias and target must be non-blank strings");
                continue;
            }
            String target = t.stringValue();
            String key = NameKeys.bareKey(alias);
            if (key.isEmpty()) {
                errors.add(at + "['" + alias + "']: the alias has no name part");
                continue;
            }
            if (key.equals(NameKeys.bareKey(target))) {
                errors.add(at + "['" + alias + "']: the alias already matches '" + target
                        + "' by case, separators or prefix");
            }
            String previous = byKey.putIfAbsent(key, target);
            if (previous != null && !previous.equals(target)) {
                errors.add(at + "['" + alias + "']: conflicts with another alias of the same name that maps to '"
                        + previous + "'");
            }
            out.put(alias, target);
        }
        return out;
    }

    private static List<Pattern> patterns(JsonNode n, String at, List<String> errors) {
        List<Pattern> out = new ArrayList<>();
        for (String p : strings(n, at, errors)) {
            try {
                out.add(Pattern.compile(p, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            } catch (PatternSyntaxException e) {
                errors.add(at + ": '" + p + "' is not a regular expression: " + e.getDescription());
            }
        }
        return out;
    }

    private static Dialect dialect(JsonNode n, String at, List<String> errors) {
        if (n == null || !n.isObject()) {
            errors.add(at + ": required, an object {reasoning, systemMessages}");
            return null;
        }
        unknownFields(n, DIALECT_FIELDS, at, errors);
        String reasoning = requiredString(n, "reasoning", at, errors);
        String system = requiredString(n, "systemMessages", at, errors);
        if (reasoning != null && !REASONING_VALUES.contains(reasoning)) {
            errors.add(at + ".reasoning: '" + reasoning + "' is not one of " + sorted(REASONING_VALUES));
        }
        if (system != null && !SYSTEM_MESSAGES_VALUES.contains(system)) {
            errors.add(at + ".systemMessages: '" + system + "' is not one of " + sorted(SYSTEM_MESSAGES_VALUES));
        }
        return new Dialect(reasoning, system);
    }

    private static List<String> strings(JsonNode n, String at, List<String> errors) {
        List<String> out = new ArrayList<>();
        if (n == null || !n.isArray()) {
            errors.add(at + ": required, an array of strings (may be empty)");
            return out;
        }
        int i = 0;
        for (JsonNode e : n.values()) {
            if (!e.isString()) {
                errors.add(at + "[" + i + "]: must be a string");
            } else {
                out.add(e.stringValue());
            }
            i++;
        }
        return out;
    }

    private static String requiredString(JsonNode n, String field, String at, List<String> errors) {
        JsonNode v = n.get(field);
        if (v == null || !v.isString() || v.stringValue().isBlank()) {
            errors.add(at + "." + field + ": required, a non-blank string");
            return null;
        }
        return v.stringValue();
    }

    private static void unknownFields(JsonNode n, Set<String> known, String at, List<String> errors) {
        for (String f : n.propertyNames()) {
            if (!known.contains(f)) {
                errors.add(at + ": unknown field '" + f + "' (known: " + sorted(known) + ")");
            }
        }
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
