package dev.relay.contracts;

import java.util.Set;

/**
 * Which extra upstream headers an operator may set, the one rule for the edge's channels and for import items (an
 * item's headers become its channel's): hop-by-hop headers, the body framing and the credentials are managed by
 * whoever sends the request, never configured.
 */
public final class UpstreamHeaders {

    /** Lower-case names an operator may not set on an upstream request. */
    public static final Set<String> MANAGED = Set.of(
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "content-length",
            "expect",
            "authorization",
            "x-api-key");

    private UpstreamHeaders() {}
}
