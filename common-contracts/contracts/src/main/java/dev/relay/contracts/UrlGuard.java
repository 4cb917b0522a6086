package dev.relay.contracts;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one SSRF guard for every service that calls an operator-supplied URL: the host is resolved and every address it
 * resolves to must be public. Loopback, private (RFC 1918), link-local (incl. the {@code 169.254.169.254} metadata
 * address), CGNAT ({@code 100.64.0.0/10}), "this network", benchmarking, multicast, reserved and broadcast IPv4, and
 * IPv6 loopback, unspecified, link-local, unique-local ({@code fc00::/7}), site-local, multicast, IPv4-mapped and
 * -compatible, NAT64 and 6to4 forms of such addresses, documentation and the cloud metadata address {@code
 * fd00:ec2::254} are refused, unless {@code RELAY_URL_ALLOWLIST} names them.
 *
 * <p>Allow-list grammar: comma-separated entries, each an IP, a CIDR, {@code ip:port} or {@code ip:port-port} (IPv6 in
 * brackets with a port: {@code [::1]:8080}), matched against the <em>resolved</em> address and the URL's port, e.g.
 * {@code 127.0.0.1:19000-19099,127.0.0.1:8190}.
 *
 * <p>Callers check again on every redirect ({@link #check} on the {@code Location}); an HTTP client must not follow
 * redirects on its own. Pure: the resolver is injected, so the decision is tested with a stub resolver and no test
 * sends traffic anywhere.
 */
public final class UrlGuard {

    /** Resolves a host name to every address it has. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
    }

    /** The guard's verdict: allowed, or refused with the offending resolved address and why. */
    public record Decision(boolean allowed, String resolvedAddress, String reason) {
        static Decision allow(String address) {
            return new Decision(true, address, null);
        }

        static Decision refuse(String address, String reason) {
            return new Decision(false, address, reason);
        }
    }

    private final List<AllowEntry> allowList;
    private final Resolver resolver;

    public UrlGuard(String allowList, Resolver resolver) {
        this.allowList = parseAllowList(allowList);
        this.resolver = resolver;
    }

    /**
     * Resolves the URL's host and decides. Refused: a scheme other than http/https, user info, no host, a host that
     * does not resolve, or any resolved address that is not public and not allow-listed.
     */
    public Decision check(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Decision.refuse(null, "only http and https URLs are allowed");
        }
        if (url.getRawUserInfo() != null) {
            return Decision.refuse(null, "URLs with user info are not allowed");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            return Decision.refuse(null, "the URL has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return Decision.refuse(null, "the host " + host + " does not resolve");
        }
        if (addresses.isEmpty()) {
            return Decision.refuse(null, "the host " + host + " does not resolve");
        }
        String first = null;
        for (InetAddress a : addresses) {
            String text = a.getHostAddress();
            if (first == null) {
                first = text;
            }
            String why = nonPublicReason(a);
            if (why != null && !allowed(a, port)) {
                return Decision.refuse(text, host + " resolves to " + text + " (" + why + "), which is not allowed");
            }
        }
        return Decision.allow(first);
    }

    private boolean allowed(InetAddress a, int port) {
        for (AllowEntry e : allowList) {
            if (e.matches(a, port)) {
                return true;
            }
        }
        return false;
    }

    /** Why an address is not public, or null when it is. */
    static String nonPublicReason(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return v4Reason(b, 0);
        }
        if (a instanceof Inet6Address) {
            if (a.isLoopbackAddress()) {
                return "loopback";
            }
            if (a.isAnyLocalAddress()) {
                return "unspecified";
            }
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
                return "link-local";
            }
            if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
                return "site-local";
            }
            if ((b0 & 0xfe) == 0xfc) {
                return "unique-local (fc00::/7), incl. metadata fd00:ec2::254";
            }
            if (b0 == 0xff) {
                return "multicast";
            }
            if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return "documentation (2001:db8::/32)";
            }
            boolean zero80 = true;
            for (int i = 0; i < 10; i++) {
                zero80 &= b[i] == 0;
            }
            if (zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                String inner = v4Reason(b, 12);
                return "IPv4-mapped" + (inner == null ? "" : " " + inner);
            }
            if (zero80 && b[10] == 0 && b[11] == 0) {
                return "IPv4-compatible";
            }
            if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                String inner = v4Reason(b, 12);
                if (inner != null) {
                    return "NAT64 of " + inner;
                }
            }
            if (b0 == 0x20 && b1 == 0x02) {
                String inner = v4Reason(b, 2);
                if (inner != null) {
                    return "6to4 of " + inner;
                }
            }
            return null;
        }
        return "unknown address family";
    }

    private static String v4Reason(byte[] b, int o) {
        int a0 = b[o] & 0xff;
        int a1 = b[o + 1] & 0xff;
        int a2 = b[o + 2] & 0xff;
        if (a0 == 0) {
            return "this network (0.0.0.0/8)";
        }
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return "private";
        }
        if (a0 == 169 && a1 == 254) {
            return a2 == 169 && (b[o + 3] & 0xff) == 254 ? "link-local, cloud metadata" : "link-local";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "CGNAT (100.64.0.0/10)";
        }
        if (a0 == 192 && a1 == 0 && a2 == 0) {
            return "IETF protocol assignments (192.0.0.0/24)";
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return "benchmarking (198.18.0.0/15)";
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2)
                || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return "documentation";
        }
        if (a0 >= 224) {
            return a0 >= 240 ? "reserved or broadcast" : "multicast";
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ allow-list

    private record AllowEntry(byte[] network, int prefix, int portFrom, int portTo) {
        boolean matches(InetAddress a, int port) {
            byte[] addr = a.getAddress();
            if (addr.length != network.length) {
                return false;
            }
            if (port < portFrom || port > portTo) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (addr[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (addr[full] & mask) == (network[full] & mask);
        }
    }

    /**
     * Parses the allow-list grammar.
     *
     * @throws IllegalArgumentException naming the entry that is not an IP, CIDR, {@code ip:port} or {@code
     *     ip:port-port}
     */
    static List<AllowEntry> parseAllowList(String spec) {
        List<AllowEntry> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String raw : spec.split(",")) {
            String e = raw.trim();
            if (e.isEmpty()) {
                continue;
            }
            try {
                out.add(entry(e));
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(
                        "RELAY_URL_ALLOWLIST entry '" + e + "' is not an IP, a CIDR, ip:port or ip:port-port", ex);
            }
        }
        return List.copyOf(out);
    }

    private static AllowEntry entry(String e) {
        String ip;
        String ports = null;
        if (e.startsWith("[")) {
            int close = e.indexOf(']');
            ip = e.substring(1, close);
            String after = e.substring(close + 1);
            if (after.startsWith(":")) {
                ports = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new IllegalArgumentException(after);
            }
        } else if (e.indexOf(':') >= 0 && e.indexOf(':') == e.lastIndexOf(':')) {
            ip = e.substring(0, e.indexOf(':'));
            ports = e.substring(e.indexOf(':') + 1);
        } else {
            ip = e;
        }
        int prefix = -1;
        int slash = ip.indexOf('/');
        if (slash >= 0) {
            prefix = Integer.parseInt(ip.substring(slash + 1));
            ip = ip.substring(0, slash);
        }
        byte[] network = literal(ip);
        int max = network.length * 8;
        if (prefix < 0) {
            prefix = max;
        }
        if (prefix > max) {
            throw new IllegalArgumentException("prefix " + prefix);
        }
        int from = 0;
        int to = 65535;
        if (ports != null) {
            int dash = ports.indexOf('-');
            from = Integer.parseInt(dash < 0 ? ports : ports.substring(0, dash));
            to = dash < 0 ? from : Integer.parseInt(ports.substring(dash + 1));
            if (from < 0 || to > 65535 || from > to) {
                throw new IllegalArgumentException("ports " + ports);
            }
        }
        return new AllowEntry(network, prefix, from, to);
    }

    /** An IP literal's bytes, never a DNS lookup. */
    private static byte[] literal(String ip) {
        boolean v4 = ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = ip.contains(":") && ip.matches("[0-9a-fA-F.:]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("not an IP literal: " + ip);
        }
        try {
            return InetAddress.getByName(ip).getAddress(); // a literal: parsed, not resolved
        } catch (UnknownHostException ex) {
            throw new IllegalArgumentException(ip, ex);
        }
    }
}
