package dev.relay.imports.runs;

import java.net.URI;
import java.util.Locale;

/**
 * The form of a base URL two items are compared in for duplicates: scheme and host lower-cased, the default port
 * dropped, trailing slashes, a trailing {@code /v1} and a pasted endpoint ({@code /chat/completions}, {@code
 * /messages}, {@code /models}) removed. {@code https://API.deepseek.com/v1/} and {@code https://api.deepseek.com} are
 * the same upstream.
 */
public final class BaseUrlKey {

    private BaseUrlKey() {}

    public static String of(String baseUrl) {
        URI u = URI.create(baseUrl.strip());
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        String host = u.getHost().toLowerCase(Locale.ROOT);
        int port = u.getPort();
        boolean defaultPort =
                port < 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        boolean changed = true;
        while (changed) {
            changed = false;
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
                changed = true;
            }
            for (String suffix : new String[] {"/chat/completions", "/messages", "/models", "/responses", "/v1"}) {
                if (path.toLowerCase(Locale.ROOT).endsWith(suffix)) {
                    path = path.substring(0, path.length() - suffix.length());
                    changed = true;
                }
            }
        }
        return scheme + "://" + host + (defaultPort ? "" : ":" + port) + path;
    }
}
