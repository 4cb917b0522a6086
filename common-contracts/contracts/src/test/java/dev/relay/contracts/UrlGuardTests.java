package dev.relay.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guard's decision on resolved addresses, with a stub resolver: no test here resolves or connects anything. */
class UrlGuardTests {

    /** Every host name resolves to the address written in it: "a-10-0-0-1.test" → 10.0.0.1; others fail. */
    static final UrlGuard.Resolver STUB = host -> {
        Map<String, String> names = Map.of(
                "api.vendor.test", "203.0.114.10",
                "rebind.test", "93.184.216.34,127.0.0.1",
                "metadata.test", "169.254.169.254",
                "v6-ula.test", "fd00:ec2::254");
        String v = names.get(host);
        if (v == null) {
            throw new UnknownHostException(host);
        }
        List<InetAddress> out = new java.util.ArrayList<>();
        for (String ip : v.split(",")) {
            out.add(InetAddress.getByName(ip));
        }
        return out;
    };

    /** A resolver for IP-literal hosts only (literals are parsed, never looked up). */
    static final UrlGuard.Resolver LITERALS = host -> {
        if (!host.matches("[0-9a-fA-F.:]+")) {
            throw new UnknownHostException(host);
        }
        return List.of(InetAddress.getByName(host));
    };

    private static UrlGuard.Decision check(String allow, String url) {
        UrlGuard.Resolver both = host -> {
            try {
                return STUB.resolve(host);
            } catch (UnknownHostException e) {
                return LITERALS.resolve(host);
            }
        };
        return new UrlGuard(allow, both).check(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:5432/v1",
                "http://127.1.2.3/",
                "http://10.1.2.3/",
                "http://172.16.0.1/",
                "http://172.31.255.255/",
                "http://192.168.1.1/",
                "http://169.254.169.254/latest/meta-data/",
                "http://169.254.10.10/",
                "http://100.64.0.1/",
                "http://100.127.255.254/",
                "http://0.0.0.0/",
                "http://198.18.0.1/",
                "http://224.0.0.1/",
                "http://255.255.255.255/",
                "http://[::1]/",
                "http://[::]/",
                "http://[fe80::1]/",
                "http://[fc00::1]/",
                "http://[fd00:ec2::254]/",
                "http://[::ffff:127.0.0.1]/",
                "http://[::ffff:10.0.0.1]/",
                "http://[::ffff:169.254.169.254]/",
                "http://[64:ff9b::a9fe:a9fe]/",
                "http://[2002:7f00:1::]/",
                "http://[ff02::1]/",
                "http://metadata.test/",
                "http://v6-ula.test/"
            })
    void refusesNonPublicAddressesAfterResolution(String url) {
        UrlGuard.Decision d = check(null, url);
        assertThat(d.allowed()).as(url).isFalse();
        assertThat(d.reason()).as(url).isNotBlank();
    }

    @Test
    void allowsPublicAddressesAndReportsTheResolvedOne() {
        UrlGuard.Decision d = check(null, "https://api.vendor.test/v1");
        assertThat(d.allowed()).isTrue();
        assertThat(d.resolvedAddress()).isEqualTo("203.0.114.10");
        assertThat(check(null, "http://8.8.8.8/").allowed()).isTrue();
        assertThat(check(null, "http://[2606:4700::1111]/").allowed()).isTrue();
    }

    @Test
    void refusesWhenAnyResolvedAddressIsPrivateSoDnsRebindingToLoopbackFails() {
        UrlGuard.Decision d = check(null, "http://rebind.test/");
        assertThat(d.allowed()).isFalse();
        assertThat(d.resolvedAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void refusesOtherSchemesUserInfoAndUnresolvableHosts() {
        assertThat(check(null, "ftp://api.vendor.test/").allowed()).isFalse();
        assertThat(check(null, "file:///etc/passwd").allowed()).isFalse();
        assertThat(check(null, "http://user:pw@api.vendor.test/").allowed()).isFalse();
        assertThat(check(null, "http://nowhere.test/").reason()).contains("does not resolve");
    }

    @Test
    void allowListMatchesTheResolvedAddressAndThePort() {
        String allow = "127.0.0.1:19000-19099, 127.0.0.1:8190, 10.0.0.0/8, [::1]:8080, 169.254.169.254";
        assertThat(check(allow, "http://127.0.0.1:19042/").allowed()).isTrue();
        assertThat(check(allow, "http://127.0.0.1:8190/v1").allowed()).isTrue();
        assertThat(check(allow, "http://127.0.0.1:5432/").allowed()).isFalse();
        assertThat(check(allow, "http://127.0.0.1:19100/").allowed()).isFalse();
        assertThat(check(allow, "http://10.200.3.4:443/").allowed()).isTrue();
        assertThat(check(allow, "http://[::1]:8080/").allowed()).isTrue();
        assertThat(check(allow, "http://[::1]:8081/").allowed()).isFalse();
        assertThat(check(allow, "http://metadata.test/").allowed()).isTrue();
        assertThat(check("127.0.0.1", "http://127.0.0.1/").allowed()).isTrue();
        assertThat(check("127.0.0.1", "https://127.0.0.1/").allowed()).isTrue();
    }

    @Test
    void refusesAnAllowListEntryItCannotRead() {
        assertThatThrownBy(() -> new UrlGuard("127.0.0.1,localhost", STUB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> new UrlGuard("10.0.0.0/33", STUB)).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> new UrlGuard("127.0.0.1:90-80", STUB)).hasMessageContaining("127.0.0.1:90-80");
        assertThatThrownBy(() -> new UrlGuard("cafe", STUB)).hasMessageContaining("'cafe'");
    }
}
