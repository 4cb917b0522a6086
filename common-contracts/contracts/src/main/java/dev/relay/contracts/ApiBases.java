package dev.relay.contracts;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * The one rule that turns an operator-given base URL into the API base a channel's endpoints hang off: trim, drop
 * trailing slashes, append {@code /v1} unless the path already ends in a version segment ({@code /v1}, {@code /v4},
 * {@code /api/v3}, {@code /v1beta} ...). The edge routes with it and probe-service proposes base URLs by it, so what
 * a probe tested is exactly what the edge will call.
 */
public final class ApiBases {

    private static final Pattern ENDS_IN_VERSION = Pattern.compile(".*/v[0-9]+(beta)?");

    private ApiBases() {}

    /** @throws IllegalArgumentException when the URL is not an absolute http(s) URL */
    public static URI normalise(String baseUrl) {
        String s = baseUrl.trim();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        URI uri = URI.create(s);
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("base URL must be an absolute http(s) URL: " + baseUrl);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!ENDS_IN_VERSION.matcher(path).matches()) {
            s = s + "/v1";
        }
        return URI.create(s);
    }
}
