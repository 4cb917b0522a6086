package dev.relay.access;

import dev.relay.contracts.SecretBox;
import dev.relay.contracts.UrlGuard;
import java.net.http.HttpClient;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The key box, the URL guard of the direct upstream check, and the one HTTP client for hosts and upstreams. */
@Configuration
@EnableScheduling
@EnableConfigurationProperties(AccessProperties.class)
public class AccessConfiguration {

    @Bean
    SecretBox secretBox(AccessProperties p) {
        if (p.masterKey() == null || p.masterKey().isBlank()) {
            throw new IllegalStateException("RELAY_MASTER_KEY (relay.access.master-key) is not set");
        }
        return SecretBox.fromBase64(p.masterKeyId(), p.masterKey());
    }

    @Bean
    UrlGuard urlGuard(AccessProperties p) {
        return new UrlGuard(p.urlAllowlist(), UrlGuard.Resolver.SYSTEM);
    }

    /** HTTP/1.1: the edge and most upstreams speak it; redirects are never followed (a host answers itself). */
    @Bean
    HttpClient accessHttpClient(AccessProperties p) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(p.adminTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }
}
