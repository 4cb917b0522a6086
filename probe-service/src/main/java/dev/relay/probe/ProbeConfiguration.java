package dev.relay.probe;

import dev.relay.contracts.SecretBox;
import dev.relay.contracts.UrlGuard;
import dev.relay.probe.logic.ProbePolicy;
import dev.relay.probe.logic.VendorCatalog;
import dev.relay.probe.upstream.Prober;
import dev.relay.probe.upstream.UpstreamHttp;
import java.util.random.RandomGenerator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The prober and what it needs: the key box, the URL guard, the vendor data, the retry policy. */
@Configuration
@EnableConfigurationProperties(ProbeProperties.class)
public class ProbeConfiguration {

    @Bean
    SecretBox secretBox(ProbeProperties p) {
        if (p.masterKey() == null || p.masterKey().isBlank()) {
            throw new IllegalStateException("RELAY_MASTER_KEY (relay.probe.master-key) is not set");
        }
        return SecretBox.fromBase64(p.masterKeyId(), p.masterKey());
    }

    @Bean
    UrlGuard urlGuard(ProbeProperties p) {
        return new UrlGuard(p.urlAllowlist(), UrlGuard.Resolver.SYSTEM);
    }

    @Bean
    VendorCatalog vendorCatalog() {
        return VendorCatalog.load();
    }

    @Bean
    UpstreamHttp upstreamHttp(UrlGuard guard, ProbeProperties p) {
        return new UpstreamHttp(guard, p.connectTimeout(), p.perHostConcurrency());
    }

    @Bean
    Prober prober(UpstreamHttp http, VendorCatalog catalog, ProbeProperties p) {
        return new Prober(http, catalog, p.callTimeout());
    }

    @Bean
    ProbePolicy probePolicy(ProbeProperties p) {
        return new ProbePolicy(
                p.maxAttempts(), ProbePolicy.DEFAULT_BASE, ProbePolicy.DEFAULT_CAP, RandomGenerator.getDefault());
    }
}
