package dev.relay.reconcile;

import dev.relay.contracts.SecretBox;
import java.net.http.HttpClient;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The key box that opens the hosts' admin tokens, and the one HTTP client for the hosts' admin APIs. */
@Configuration
@EnableConfigurationProperties(ReconcileProperties.class)
public class ReconcileConfiguration {

    @Bean
    SecretBox secretBox(ReconcileProperties p) {
        if (p.masterKey() == null || p.masterKey().isBlank()) {
            throw new IllegalStateException("RELAY_MASTER_KEY (relay.reconcile.master-key) is not set");
        }
        return SecretBox.fromBase64(p.masterKeyId(), p.masterKey());
    }

    /** HTTP/1.1, redirects never followed: a host answers itself. */
    @Bean
    HttpClient reconcileHttpClient(ReconcileProperties p) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(p.adminTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }
}
