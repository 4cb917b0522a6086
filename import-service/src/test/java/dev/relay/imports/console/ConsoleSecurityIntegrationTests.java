package dev.relay.imports.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console's door over real HTTP: no page without a session, the token only through the login form (never in a
 * URL, never as a bearer for pages), a fresh session id at login, no change without the session's CSRF token, no
 * open redirect after login, and the operator API still wants its bearer token.
 */
@RelayIntegrationTest
@org.junit.jupiter.api.extension.ExtendWith(dev.relay.imports.ImportsTestDataCleanup.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleSecurityIntegrationTests {

    static final String TOKEN = "relay-test-operator-token-not-secret";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
    }

    @Value("${local.server.port}")
    int port;

    HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    }

    HttpResponse<String> get(HttpClient c, String path) throws Exception {
        return c.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(HttpClient c, String path, String form) throws Exception {
        return c.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    @Test
    void pagesNeedASessionChangesNeedItsCsrfTokenAndLoginNeverRedirectsOffSite() throws Exception {
        HttpClient c = browser();
        HttpResponse<String> page = get(c, "/console/runs");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElseThrow()).contains("/console/login?next=");

        // a bearer token does not open pages, and the API's door does not open for a session
        HttpResponse<String> bearer = c.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/console/runs"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.statusCode()).isEqualTo(302);

        HttpResponse<String> wrong = post(c, "/console/login", "token=nope&next=%2Fconsole%2Fruns");
        assertThat(wrong.statusCode()).isEqualTo(200);
        assertThat(wrong.body()).contains("That is not the operator token");

        HttpResponse<String> in = post(c, "/console/login", "token=" + enc(TOKEN) + "&next=" + enc("//evil.example"));
        assertThat(in.statusCode()).isEqualTo(302);
        String location = in.headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith("/console/runs").doesNotContain("evil").doesNotContain(";");
        assertThat(in.headers().allValues("Set-Cookie"))
                .anySatisfy(ck -> assertThat(ck).contains("RELAY_CONSOLE=", "HttpOnly", "SameSite=Strict"));

        HttpResponse<String> runs = get(c, "/console/runs");
        assertThat(runs.statusCode()).isEqualTo(200);
        assertThat(runs.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'self'");
        Matcher m = Pattern.compile("name=\"csrf\" content=\"([^\"]+)\"").matcher(runs.body());
        assertThat(m.find()).isTrue();
        String csrf = m.group(1);

        // a change without (or with another) CSRF token is refused; with it, it runs
        assertThat(post(c, "/console/runs", "lines=x").statusCode()).isEqualTo(403);
        assertThat(post(c, "/console/runs", "_csrf=forged&lines=x").statusCode())
                .isEqualTo(403);
        HttpResponse<String> bad = post(c, "/console/runs", "_csrf=" + enc(csrf) + "&name=t&lines=" + enc("not-a-url"));
        assertThat(bad.statusCode()).isEqualTo(200);
        assertThat(bad.body()).contains("Nothing was imported", "line 1");

        // the operator API still wants its bearer token, whatever the session
        assertThat(get(c, "/api/import-runs").statusCode()).isEqualTo(401);

        assertThat(post(c, "/console/logout", "_csrf=" + enc(csrf)).statusCode())
                .isEqualTo(302);
        assertThat(get(c, "/console/runs").statusCode()).isEqualTo(302);
    }
}
