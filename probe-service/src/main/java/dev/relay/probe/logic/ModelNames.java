package dev.relay.probe.logic;

import dev.relay.contracts.ModelCorrection;
import dev.relay.contracts.ModelEntry.ModelKind;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model-name corrector: resolves each name an operator asked for to a name the upstream serves, with the rule
 * that matched and a reason, or, when none fits, the nearest served names.
 *
 * <p>Rules, tried in this order; the first that finds any served name wins:
 *
 * <ol>
 *   <li>{@code exact};
 *   <li>{@code case}: equal ignoring case ({@code DeepSeek-Chat} → {@code deepseek-chat});
 *   <li>{@code separator}: equal once {@code _}, {@code .}, whitespace and every dash are one {@code -} and full-width
 *       letters are ASCII ({@code qwen_plus} → {@code qwen-plus}, {@code claude-3.5-sonnet} → {@code
 *       claude-3-5-sonnet});
 *   <li>{@code vendor-prefix}: equal once an organisation prefix ({@code deepseek-ai/}, {@code Qwen/}, any {@code
 *       org/}) is stripped from either side;
 *   <li>{@code latest-suffix}: equal once {@code -latest} is added or removed;
 *   <li>{@code date-suffix}: equal once a date suffix ({@code -20241022}, {@code -2024-10-22}, {@code -0528}, {@code
 *       -2507}) is added or removed; two different dates never match;
 *   <li>{@code alias}: the vendor's alias table (then every other vendor's) names another spelling, in either direction,
 *       which rules 1–6 then find ({@code DeepSeek-V3} → {@code deepseek-chat}).
 * </ol>
 *
 * <p>Later rules include the earlier ones' tolerance, so {@code deepseek-ai/DeepSeek_V3} finds {@code deepseek-v3}
 * under {@code vendor-prefix}. The {@code reason} names the rule first, then every other difference ({@code
 * vendor-prefix+case}, {@code alias+date-suffix}), then, when several served names fit under that rule, which one was
 * chosen and why: the newest date for {@code date-suffix} (an undated name when the request carries a date), else the
 * fewest prefix segments, a prefix the vendor data knows, the closest spelling, and finally alphabetical order. So the
 * choice is deterministic and does not depend on the order the upstream lists its models in.
 *
 * <p>Pure and thread-safe.
 */
public final class ModelNames {

    /** Which rule resolved a name. Wire names are what {@link Resolution#reason()} starts with. */
    public enum Rule {
        EXACT("exact"),
        CASE("case"),
        SEPARATOR("separator"),
        VENDOR_PREFIX("vendor-prefix"),
        LATEST_SUFFIX("latest-suffix"),
        DATE_SUFFIX("date-suffix"),
        ALIAS("alias"),
        /** Not resolved. */
        NONE("none");

        private final String wireName;

        Rule(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * How one requested name resolved.
     *
     * @param served the served name, or null when nothing fits
     * @param reason the rule's wire name, further differences after {@code +}, a tie-break note after {@code ; }; for
     *     an unresolved name, why
     * @param candidates unresolved: the (up to 3) nearest served names, nearest first; resolved: the other served names
     *     that fitted equally well (usually none)
     */
    public record Resolution(String requested, String served, Rule rule, String reason, List<String> candidates) {

        public Resolution {
            Objects.requireNonNull(requested, "requested");
            Objects.requireNonNull(rule, "rule");
            candidates = List.copyOf(candidates);
        }

        public boolean resolved() {
            return served != null;
        }

        /** Whether the served name differs from the requested one. */
        public boolean corrected() {
            return served != null && !served.equals(requested);
        }

        /** The correction to report, when the served name differs from the requested one. */
        public Optional<ModelCorrection> correction() {
            return corrected() ? Optional.of(new ModelCorrection(requested, served, reason)) : Optional.empty();
        }
    }

    /** How many nearest names an unresolved name carries. */
    public static final int MAX_CANDIDATES = 3;

    private static final String SEP = "[\\s_.\\p{Pd}]+";
    private static final Pattern RAW_LATEST = Pattern.compile("(?i)" + SEP + "latest$");
    private static final Pattern RAW_DATE =
            Pattern.compile(SEP + "(\\d{8}|\\d{4}" + SEP + "\\d{2}" + SEP + "\\d{2}|\\d{4})$");
    private static final Pattern RAW_SEPARATORS = Pattern.compile(SEP);

    private final VendorCatalog.Vendor vendor;
    private final Map<String, String> aliases;
    private final Map<String, List<String>> reverseAliases;
    private final Set<String> vendorPrefixes;
    private final Set<String> knownPrefixes;
    private final List<Pattern> embeddingPatterns;

    /** A corrector using the vendor's alias table and prefixes first, then every other vendor's. */
    public ModelNames(VendorCatalog catalog, VendorCatalog.Vendor vendor) {
        this.vendor = Objects.requireNonNull(vendor, "vendor");
        this.aliases = catalog.aliasTable(vendor);
        Map<String, List<String>> reverse = new HashMap<>();
        List<VendorCatalog.Vendor> order = new ArrayList<>();
        order.add(vendor);
        catalog.vendors().stream().filter(v -> v != vendor).forEach(order::add);
        for (VendorCatalog.Vendor v : order) {
            v.aliases()
                    .forEach(
                            (alias, target) -> reverse.computeIfAbsent(NameKeys.bareKey(target), k -> new ArrayList<>())
                                    .add(alias));
        }
        this.reverseAliases = reverse;
        this.vendorPrefixes = lower(vendor.modelPrefixes());
        this.knownPrefixes = lower(catalog.modelPrefixes());
        List<Pattern> patterns = new ArrayList<>(vendor.embeddingPatterns());
        patterns.addAll(catalog.embeddingPatterns());
        this.embeddingPatterns = List.copyOf(patterns);
    }

    /** The vendor whose knowledge comes first. */
    public VendorCatalog.Vendor vendor() {
        return vendor;
    }

    /**
     * Resolves every distinct requested name (first occurrence order) against the served names. Blank or duplicate
     * served names are ignored.
     *
     * @throws IllegalArgumentException when a requested name is null or blank
     */
    public List<Resolution> resolve(Collection<String> served, Collection<String> requested) {
        Index index = new Index(served);
        Set<String> distinct = new LinkedHashSet<>();
        for (String r : requested) {
            if (r == null || r.isBlank()) {
                throw new IllegalArgumentException("a requested model name is blank");
            }
            distinct.add(r);
        }
        List<Resolution> out = new ArrayList<>(distinct.size());
        for (String r : distinct) {
            out.add(resolve(index, r));
        }
        return List.copyOf(out);
    }

    /** {@link #resolve(Collection, Collection)} for one name. */
    public Resolution resolve(Collection<String> served, String requested) {
        return resolve(served, List.of(requested)).getFirst();
    }

    /** The corrections among resolutions (resolved to a different name), in order. */
    public static List<ModelCorrection> corrections(Collection<Resolution> resolutions) {
        return resolutions.stream()
                .map(Resolution::correction)
                .flatMap(Optional::stream)
                .toList();
    }

    /**
     * Whether a model is an embedding model (a pattern of the vendor or of the catalog is found in its name, ignoring
     * case) or a chat model (everything else).
     */
    public ModelKind kind(String model) {
        for (Pattern p : embeddingPatterns) {
            if (p.matcher(model).find()) {
                return ModelKind.EMBEDDING;
            }
        }
        return ModelKind.CHAT;
    }

    // ------------------------------------------------------------------------------------------------ resolution

    private Resolution resolve(Index index, String requested) {
        if (index.names.isEmpty()) {
            return new Resolution(requested, null, Rule.NONE, "not served: the upstream lists no models", List.of());
        }
        Match m = search(index, requested);
        if (m != null) {
            return resolution(requested, m, m.rule == Rule.EXACT ? Set.of() : differences(requested, m.chosen));
        }
        String rb = NameKeys.bareKey(requested);
        for (String alias : aliasNames(rb)) {
            Match a = search(index, alias);
            if (a != null) {
                Set<String> diffs = new LinkedHashSet<>();
                if (a.rule != Rule.EXACT) {
                    diffs.addAll(differences(alias, a.chosen));
                }
                if (!NameKeys.prefix(NameKeys.sepKey(requested)).equals(NameKeys.prefix(NameKeys.sepKey(a.chosen)))) {
                    diffs.add(Rule.VENDOR_PREFIX.wireName());
                }
                String note = a.note;
                if (!alias.equals(a.chosen)) {
                    String via = "via the alias table's " + alias;
                    note = note == null ? via : via + "; " + note;
                }
                return resolution(requested, new Match(Rule.ALIAS, a.chosen, a.others, note), diffs);
            }
        }
        List<String> nearest = nearest(index, rb);
        return new Resolution(
                requested, null, Rule.NONE, "not served; nearest: " + String.join(", ", nearest), nearest);
    }

    private static Resolution resolution(String requested, Match m, Set<String> differences) {
        StringBuilder reason = new StringBuilder(m.rule.wireName());
        for (String d : differences) {
            if (!d.equals(m.rule.wireName())) {
                reason.append('+').append(d);
            }
        }
        if (m.note != null) {
            reason.append("; ").append(m.note);
        }
        return new Resolution(requested, m.chosen, m.rule, reason.toString(), m.others);
    }

    private record Match(Rule rule, String chosen, List<String> others, String note) {}

    /** Rules 1–6 for one name; null when none finds a served name. */
    private Match search(Index index, String name) {
        if (index.exact.contains(name)) {
            return new Match(Rule.EXACT, name, List.of(), null);
        }
        Match m = pick(Rule.CASE, name, index.byCase.get(NameKeys.caseKey(name)));
        if (m != null) {
            return m;
        }
        String sep = NameKeys.sepKey(name);
        if (sep.isEmpty()) {
            return null;
        }
        m = pick(Rule.SEPARATOR, name, index.bySep.get(sep));
        if (m != null) {
            return m;
        }
        String bare = NameKeys.stripPrefix(sep);
        if (bare.isEmpty()) {
            return null;
        }
        m = pick(Rule.VENDOR_PREFIX, name, index.byBare.get(bare));
        if (m != null) {
            return m;
        }
        NameKeys.Suffixes rs = NameKeys.suffixes(bare);
        List<String> latest = new ArrayList<>();
        for (String s : index.byLatestless.getOrDefault(latestless(bare), List.of())) {
            if (index.suffixes.get(s).latest() != rs.latest()) {
                latest.add(s);
            }
        }
        m = pick(Rule.LATEST_SUFFIX, name, latest);
        if (m != null) {
            return m;
        }
        List<String> dated = new ArrayList<>();
        for (String s : index.byCore.getOrDefault(rs.core(), List.of())) {
            NameKeys.Suffixes ss = index.suffixes.get(s);
            boolean differentDates =
                    rs.date() != null && ss.date() != null && !rs.date().equals(ss.date());
            if (!differentDates) {
                dated.add(s);
            }
        }
        return pickDated(name, rs, dated, index);
    }

    private Match pick(Rule rule, String requested, List<String> matches) {
        if (matches == null || matches.isEmpty()) {
            return null;
        }
        List<String> sorted = new ArrayList<>(matches);
        sorted.sort(closest(requested));
        String note = null;
        if (sorted.size() > 1) {
            note = sorted.size() + " served names fit equally, chose the one with the fewest prefix segments, a known"
                    + " prefix, the closest spelling: " + list(sorted);
        }
        return new Match(rule, sorted.getFirst(), List.copyOf(sorted.subList(1, sorted.size())), note);
    }

    private Match pickDated(String requested, NameKeys.Suffixes rs, List<String> matches, Index index) {
        if (matches.isEmpty()) {
            return null;
        }
        Comparator<String> byDate;
        if (rs.date() != null) {
            // the request carries a date the upstream lists without: undated first, a plain name before -latest
            byDate = Comparator.comparing((String s) -> index.suffixes.get(s).date() != null)
                    .thenComparing(s -> index.suffixes.get(s).latest());
        } else {
            // no date requested: the newest dated version
            byDate = Comparator.comparing((String s) -> index.suffixes.get(s).date() == null)
                    .thenComparing(Comparator.comparingLong(
                                    (String s) -> index.suffixes.get(s).dateOrder())
                            .reversed());
        }
        List<String> sorted = new ArrayList<>(matches);
        sorted.sort(byDate.thenComparing(closest(requested)));
        String note = null;
        if (sorted.size() > 1) {
            long datedCount = sorted.stream()
                    .filter(s -> index.suffixes.get(s).date() != null)
                    .count();
            if (rs.date() == null && datedCount > 1) {
                note = "newest of " + datedCount + " dated versions: " + list(sorted);
            } else {
                note = sorted.size() + " served names fit, chose "
                        + (rs.date() != null ? "the undated one" : "the dated one") + ": " + list(sorted);
            }
        }
        return new Match(Rule.DATE_SUFFIX, sorted.getFirst(), List.copyOf(sorted.subList(1, sorted.size())), note);
    }

    /** Fewest prefix segments, then a prefix the vendor (then the catalog) knows, closest spelling, alphabetical. */
    private Comparator<String> closest(String requested) {
        Function<String, Integer> prefixRank = s -> {
            String p = NameKeys.prefix(s).toLowerCase(Locale.ROOT);
            if (p.isEmpty() || p.equalsIgnoreCase(NameKeys.prefix(requested))) {
                return 0;
            }
            return vendorPrefixes.contains(p) ? 1 : knownPrefixes.contains(p) ? 2 : 3;
        };
        return Comparator.comparingInt(NameKeys::prefixSegments)
                .thenComparing(prefixRank)
                .thenComparingInt(s -> NameKeys.levenshtein(requested, s))
                .thenComparing(Comparator.naturalOrder());
    }

    /** Other spellings of a name per the alias tables: what it is an alias of, then the aliases it is the target of. */
    private List<String> aliasNames(String bareKey) {
        Set<String> out = new LinkedHashSet<>();
        String target = aliases.get(bareKey);
        if (target != null) {
            out.add(target);
        }
        out.addAll(reverseAliases.getOrDefault(bareKey, List.of()));
        return List.copyOf(out);
    }

    private static List<String> nearest(Index index, String bareKey) {
        record Scored(String name, double score) {}
        return index.names.stream()
                .map(s -> new Scored(s, NameKeys.similarity(bareKey, index.bare.get(s))))
                .sorted(Comparator.comparingDouble(Scored::score).reversed().thenComparing(Scored::name))
                .limit(MAX_CANDIDATES)
                .map(Scored::name)
                .toList();
    }

    /**
     * The differences between a requested and a served name, in the order vendor-prefix, latest-suffix, date-suffix,
     * separator, case.
     */
    private static Set<String> differences(String requested, String served) {
        Set<String> out = new LinkedHashSet<>();
        String rs = NameKeys.sepKey(requested);
        String ss = NameKeys.sepKey(served);
        if (!NameKeys.prefix(rs).equals(NameKeys.prefix(ss))) {
            out.add(Rule.VENDOR_PREFIX.wireName());
        }
        NameKeys.Suffixes a = NameKeys.suffixes(NameKeys.stripPrefix(rs));
        NameKeys.Suffixes b = NameKeys.suffixes(NameKeys.stripPrefix(ss));
        if (a.latest() != b.latest()) {
            out.add(Rule.LATEST_SUFFIX.wireName());
        }
        if (!Objects.equals(a.date(), b.date())) {
            out.add(Rule.DATE_SUFFIX.wireName());
        }
        String ra = rawCore(requested);
        String rb = rawCore(served);
        if (!ra.equals(rb)) {
            if (!ra.equalsIgnoreCase(rb)) {
                out.add(Rule.SEPARATOR.wireName());
            }
            String ta = RAW_SEPARATORS.matcher(ra).replaceAll("-");
            String tb = RAW_SEPARATORS.matcher(rb).replaceAll("-");
            if (!ta.equals(tb) && ta.equalsIgnoreCase(tb)) {
                out.add(Rule.CASE.wireName());
            }
        }
        return out;
    }

    /** The name as written (NFKC, trimmed), without its prefix, {@code -latest} and date suffix. */
    private static String rawCore(String name) {
        String s = NameKeys.stripPrefix(
                Normalizer.normalize(name, Normalizer.Form.NFKC).strip());
        s = RAW_LATEST.matcher(s).replaceFirst("");
        Matcher d = RAW_DATE.matcher(s);
        if (d.find() && d.start() > 0 && NameKeys.dateOrder(d.group(1).replaceAll("\\D", "")) > 0) {
            s = s.substring(0, d.start());
        }
        return s;
    }

    private static String latestless(String bareKey) {
        return bareKey.endsWith("-latest") && bareKey.length() > 7
                ? bareKey.substring(0, bareKey.length() - 7)
                : bareKey;
    }

    private static String list(List<String> names) {
        int max = 5;
        String shown = String.join(", ", names.subList(0, Math.min(max, names.size())));
        return names.size() > max ? shown + ", … (" + (names.size() - max) + " more)" : shown;
    }

    private static Set<String> lower(Collection<String> prefixes) {
        Set<String> out = new LinkedHashSet<>();
        prefixes.forEach(p -> out.add(p.toLowerCase(Locale.ROOT)));
        return out;
    }

    /** The served names, distinct and non-blank, keyed every way the rules compare. */
    private static final class Index {
        final List<String> names = new ArrayList<>();
        final Set<String> exact = new LinkedHashSet<>();
        final Map<String, String> bare = new HashMap<>();
        final Map<String, NameKeys.Suffixes> suffixes = new HashMap<>();
        final Map<String, List<String>> byCase = new LinkedHashMap<>();
        final Map<String, List<String>> bySep = new LinkedHashMap<>();
        final Map<String, List<String>> byBare = new LinkedHashMap<>();
        final Map<String, List<String>> byLatestless = new LinkedHashMap<>();
        final Map<String, List<String>> byCore = new LinkedHashMap<>();

        Index(Collection<String> served) {
            for (String s : served) {
                if (s == null || s.isBlank() || !exact.add(s)) {
                    continue;
                }
                names.add(s);
                String sep = NameKeys.sepKey(s);
                String b = NameKeys.stripPrefix(sep);
                bare.put(s, b);
                add(byCase, NameKeys.caseKey(s), s);
                add(bySep, sep, s);
                if (b.isEmpty()) {
                    suffixes.put(s, new NameKeys.Suffixes("", false, null, 0));
                    continue;
                }
                NameKeys.Suffixes sx = NameKeys.suffixes(b);
                suffixes.put(s, sx);
                add(byBare, b, s);
                add(byLatestless, latestless(b), s);
                add(byCore, sx.core(), s);
            }
        }

        private static void add(Map<String, List<String>> map, String key, String name) {
            map.computeIfAbsent(key, k -> new ArrayList<>()).add(name);
        }
    }
}
