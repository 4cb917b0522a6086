package dev.relay.probe.logic;

import dev.relay.contracts.ApiBase;
import dev.relay.contracts.Protocol;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Normalises an operator-supplied base URL and proposes, per protocol, the API bases to try, most likely first.
 *
 * <p>Accepted: with or without {@code /v1}, trailing slashes, surrounding whitespace, upper-case scheme, host or
 * version segment, default ports, vendor paths ({@code /compatible-mode/v1}, {@code /api/paas/v4}, {@code /anthropic},
 * {@code /anthropic/v1}), internationalised host names (sent as punycode), and a pasted full endpoint ({@code
 * .../v1/chat/completions}, {@code .../v1/messages}, {@code .../v1/models}, {@code /embeddings}, {@code /responses},
 * {@code /completions}, {@code /messages/count_tokens}), which is cut back to its base. Refused with an {@link
 * IllegalArgumentException}: no scheme or one other than http(s), user info, a query or fragment, whitespace inside,
 * no (valid) host.
 *
 * <p>Every {@link Candidate} is consistent with the edge's rule ({@code ChannelRoute.normaliseApiBase}: trim, drop
 * trailing slashes, append {@code /v1} unless the path ends in {@code /v<n>} or {@code /v<n>beta}): its {@code
 * baseUrl}, stored on the edge, normalises to exactly its {@code apiBase}, to which {@code /models}, {@code
 * /chat/completions} and {@code /messages} are appended. Candidates per protocol, in order: the operator's own path
 * (unless the operator gave a bare host of a vendor whose paths are known), the vendor's known paths ({@link
 * VendorCatalog}), and, only when the vendor lists no path for that protocol, the {@value VendorCatalog#UNKNOWN}
 * vendor's generic ones; duplicates (same {@code apiBase}) are dropped. A path that
 * plainly belongs to the other protocol (the vendor's known path for it, or a segment naming {@code anthropic}, {@code
 * claude}, {@code openai} or {@code compatible-mode}) yields no operator candidate for this one. Pure.
 */
public final class BaseUrls {

    private static final Pattern VERSION_SEGMENT = Pattern.compile(".*/v[0-9]+(beta)?");
    private static final Pattern VERSION_ONLY = Pattern.compile("(?i)v[0-9]+(beta)?");
    private static final Pattern SLASHES = Pattern.compile("/{2,}");
    /** A path ending in {@code /models}, or {@code /models/<id>} right after a version segment. */
    private static final Pattern MODELS =
            Pattern.compile("(?i)(.*?)(/models|(?<=/v[0-9]{1,3}|/v[0-9]{1,3}beta)/models/.+)");

    /** Endpoint suffixes a pasted URL may end in, longest first, with the protocol each implies (null: either). */
    private static final List<Map.Entry<String, Protocol>> ENDPOINTS = List.of(
            Map.entry("/messages/count_tokens", Protocol.ANTHROPIC),
            Map.entry("/chat/completions", Protocol.OPENAI),
            Map.entry("/completions", Protocol.OPENAI),
            Map.entry("/embeddings", Protocol.OPENAI),
            Map.entry("/responses", Protocol.OPENAI),
            Map.entry("/messages", Protocol.ANTHROPIC));

    /** Where a candidate came from. */
    public enum Source {
        /** The path the operator gave. */
        OPERATOR,
        /** A path the vendor is known to serve (vendor data). */
        VENDOR,
        /** A generic guess (the {@code unknown} vendor's paths) for a protocol the vendor data says nothing about. */
        FALLBACK
    }

    /**
     * One API base to try.
     *
     * @param baseUrl what to store on the edge as the channel's {@code baseUrl}
     * @param apiBase what the edge normalises {@code baseUrl} to; endpoints ({@code /models}, {@code
     *     /chat/completions}, {@code /messages}) are appended to it
     */
    public record Candidate(Protocol protocol, String baseUrl, String apiBase, Source source) {

        public Candidate {
            if (!edgeApiBase(baseUrl).equals(apiBase)) {
                throw new IllegalArgumentException("baseUrl " + baseUrl + " normalises on the edge to "
                        + edgeApiBase(baseUrl) + ", not " + apiBase);
            }
        }

        /** The URL of an endpoint under this base, e.g. {@code endpoint("/models")}. */
        public String endpoint(String path) {
            return apiBase + (path.startsWith("/") ? path : "/" + path);
        }

        /** As the contract's {@link ApiBase}, carrying the {@code baseUrl} to store on the edge. */
        public ApiBase toApiBase() {
            return new ApiBase(protocol, baseUrl);
        }
    }

    /**
     * What {@link #propose} made of an operator's URL.
     *
     * @param input the text as given
     * @param cleaned scheme, host, port and path after normalisation, a pasted endpoint cut off (no trailing slash)
     * @param origin {@code scheme://host[:port]}
     * @param vendor the vendor the host belongs to (or {@code unknown})
     * @param pastedEndpoint the endpoint suffix cut off ({@code /chat/completions}, {@code /models} ...), or null
     * @param impliedProtocol the protocol the pasted endpoint belongs to, or null (none pasted, or {@code /models})
     * @param candidates per protocol, most likely first; every protocol has a (possibly empty) list
     */
    public record Proposal(
            String input,
            String cleaned,
            String origin,
            VendorCatalog.Vendor vendor,
            String pastedEndpoint,
            Protocol impliedProtocol,
            Map<Protocol, List<Candidate>> candidates) {

        public Proposal {
            EnumMap<Protocol, List<Candidate>> copy = new EnumMap<>(Protocol.class);
            for (Protocol p : Protocol.values()) {
                copy.put(p, List.copyOf(candidates.getOrDefault(p, List.of())));
            }
            candidates = Collections.unmodifiableMap(copy);
        }

        /** The candidates for one protocol, most likely first. */
        public List<Candidate> candidates(Protocol protocol) {
            return candidates.get(protocol);
        }
    }

    private final VendorCatalog catalog;

    public BaseUrls(VendorCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Normalises the operator's URL and proposes API bases per protocol.
     *
     * @throws IllegalArgumentException with a message the operator can act on, when the URL cannot be used
     */
    public Proposal propose(String operatorUrl) {
        if (operatorUrl == null || operatorUrl.isBlank()) {
            throw new IllegalArgumentException("the base URL is empty");
        }
        String s = stripInvisible(operatorUrl);
        if (s.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            throw new IllegalArgumentException("the base URL contains whitespace: " + shorten(s));
        }
        URI uri;
        try {
            uri = new URI(s).normalize();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "the base URL is not a valid URL (" + e.getReason() + "): " + shorten(s));
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || uri.isOpaque()) {
            throw new IllegalArgumentException(
                    "the base URL must start with https:// (or http://), e.g. https://api.example.com/v1: "
                            + shorten(s));
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("only http and https base URLs are allowed, not " + scheme + "://");
        }
        String authority = uri.getRawAuthority();
        if (uri.getRawUserInfo() != null || (authority != null && authority.contains("@"))) {
            throw new IllegalArgumentException(
                    "the base URL must not contain user info (user:password@); put the key in the API key field");
        }
        if (uri.getRawQuery() != null) {
            throw new IllegalArgumentException("the base URL must not have a query (?...): " + shorten(s));
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the base URL must not have a fragment (#...): " + shorten(s));
        }
        String origin = origin(scheme, uri, authority, s);
        String host = URI.create(origin).getHost();

        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        path = SLASHES.matcher(path).replaceAll("/");
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.startsWith("/..")) {
            throw new IllegalArgumentException("the base URL's path climbs above the root: " + shorten(s));
        }
        path = lowerVersionSegments(path);

        String pasted = null;
        Protocol implied = null;
        String lower = path.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, Protocol> e : ENDPOINTS) {
            if (lower.endsWith(e.getKey())) {
                pasted = e.getKey();
                implied = e.getValue();
                path = path.substring(0, path.length() - pasted.length());
                break;
            }
        }
        if (pasted == null) {
            java.util.regex.Matcher m = MODELS.matcher(path);
            if (m.matches()) {
                pasted = m.group(2);
                path = m.group(1);
            }
        }

        VendorCatalog.Vendor vendor = catalog.vendorForHost(host);
        Map<Protocol, List<Candidate>> candidates = new EnumMap<>(Protocol.class);
        for (Protocol protocol : Protocol.values()) {
            candidates.put(protocol, candidates(protocol, origin, path, vendor));
        }
        return new Proposal(operatorUrl, origin + path, origin, vendor, pasted, implied, candidates);
    }

    private List<Candidate> candidates(Protocol protocol, String origin, String path, VendorCatalog.Vendor vendor) {
        Map<String, Candidate> out = new LinkedHashMap<>();
        List<String> known = vendor.basePaths(protocol);
        // a bare host says nothing about the path: a known vendor's paths beat a guess at its root
        boolean rootOnly = path.isEmpty() && !vendor.isUnknown() && !known.isEmpty();
        if (!rootOnly && !belongsToOther(protocol, path, vendor)) {
            add(out, operatorCandidate(protocol, origin, path, vendor));
        }
        for (String p : known) {
            add(out, candidate(protocol, origin, p, vendor.isUnknown() ? Source.FALLBACK : Source.VENDOR));
        }
        if (known.isEmpty() && !vendor.isUnknown()) {
            for (String p : catalog.unknown().basePaths(protocol)) {
                add(out, candidate(protocol, origin, p, Source.FALLBACK));
            }
        }
        return new ArrayList<>(out.values());
    }

    private static void add(Map<String, Candidate> out, Candidate c) {
        out.putIfAbsent(c.apiBase(), c);
    }

    private static Candidate operatorCandidate(
            Protocol protocol, String origin, String path, VendorCatalog.Vendor vendor) {
        if (protocol == Protocol.OPENAI) {
            if (VERSION_SEGMENT.matcher(path).matches()) {
                return candidate(protocol, origin, path, Source.OPERATOR);
            }
            for (String known : vendor.basePaths(Protocol.OPENAI)) {
                int slash = known.lastIndexOf('/');
                if (known.substring(0, slash).equalsIgnoreCase(path)) {
                    return candidate(protocol, origin, known, Source.OPERATOR); // "/api/paas" -> "/api/paas/v4"
                }
            }
            return candidate(protocol, origin, path + "/v1", Source.OPERATOR);
        }
        String sdk = path.endsWith("/v1") ? path.substring(0, path.length() - 3) : path;
        return candidate(protocol, origin, sdk, Source.OPERATOR);
    }

    private static Candidate candidate(Protocol protocol, String origin, String path, Source source) {
        String baseUrl = origin + path;
        return new Candidate(protocol, baseUrl, edgeApiBase(baseUrl), source);
    }

    /** Whether a (non-root) path is plainly the other protocol's, so it yields no operator candidate for this one. */
    private static boolean belongsToOther(Protocol protocol, String path, VendorCatalog.Vendor vendor) {
        if (path.isEmpty()) {
            return false;
        }
        String bare = path.endsWith("/v1") ? path.substring(0, path.length() - 3) : path;
        for (String known : vendor.basePaths(protocol)) {
            if (known.equalsIgnoreCase(path) || known.equalsIgnoreCase(bare)) {
                return false;
            }
        }
        Protocol other = protocol == Protocol.OPENAI ? Protocol.ANTHROPIC : Protocol.OPENAI;
        for (String known : vendor.basePaths(other)) {
            if (!known.isEmpty() && (known.equalsIgnoreCase(path) || known.equalsIgnoreCase(bare))) {
                return true;
            }
        }
        for (String segment : path.toLowerCase(Locale.ROOT).split("/")) {
            boolean anthropic = segment.contains("anthropic") || segment.contains("claude");
            boolean openai = segment.equals("openai") || segment.equals("compatible-mode");
            if ((protocol == Protocol.OPENAI && anthropic) || (protocol == Protocol.ANTHROPIC && openai)) {
                return true;
            }
        }
        return false;
    }

    /** {@code scheme://host[:port]}: host lower case and punycode, no trailing dot, default port dropped. */
    private static String origin(String scheme, URI uri, String authority, String original) {
        String host = uri.getHost();
        int port = uri.getPort();
        if (host == null) {
            if (authority == null || authority.isEmpty()) {
                throw new IllegalArgumentException("the base URL has no host: " + shorten(original));
            }
            String h = authority;
            if (!h.startsWith("[")) {
                int colon = h.lastIndexOf(':');
                if (colon >= 0) {
                    String p = h.substring(colon + 1);
                    if (!p.matches("[0-9]{1,5}")) {
                        throw new IllegalArgumentException("the base URL's port is not a number: " + shorten(original));
                    }
                    port = Integer.parseInt(p);
                    h = h.substring(0, colon);
                }
                try {
                    host = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the base URL's host is not a valid name: " + shorten(original));
                }
            }
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the base URL has no host: " + shorten(original));
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (port > 65535) {
            throw new IllegalArgumentException("the base URL's port is out of range: " + shorten(original));
        }
        boolean defaultPort =
                port < 0 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        String origin = scheme + "://" + host + (defaultPort ? "" : ":" + port);
        URI check;
        try {
            check = new URI(origin);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the base URL's host is not a valid name: " + shorten(original));
        }
        if (check.getHost() == null) {
            throw new IllegalArgumentException("the base URL's host is not a valid name: " + shorten(original));
        }
        return origin;
    }

    private static String lowerVersionSegments(String path) {
        if (path.isEmpty()) {
            return path;
        }
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (VERSION_ONLY.matcher(segments[i]).matches()) {
                segments[i] = segments[i].toLowerCase(Locale.ROOT);
            }
        }
        return String.join("/", segments);
    }

    /** The edge's rule ({@link dev.relay.contracts.ApiBases}), as text. */
    static String edgeApiBase(String baseUrl) {
        return dev.relay.contracts.ApiBases.normalise(baseUrl).toString();
    }

    /** Trims whitespace, no-break spaces, zero-width characters and a byte-order mark from both ends. */
    private static String stripInvisible(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && invisible(s.charAt(from))) {
            from++;
        }
        while (to > from && invisible(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean invisible(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u200b' || c == '\ufeff';
    }

    private static String shorten(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
