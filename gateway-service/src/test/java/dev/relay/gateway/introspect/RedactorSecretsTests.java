package dev.relay.gateway.introspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Secrets the first redaction rules let through: vendor auth headers, URL passwords, streamed JSON fields. */
class RedactorSecretsTests {

    @Test
    void redactsEveryVendorsCredentialHeaderButNotTokenCounts() {
        JsonNode h = Redactor.headers(Map.of(
                "Proxy-Authorization", "Basic dXNlcjpwYXNzd29yZA==",
                "x-goog-api-key", "AIzaSyA-not-a-real-key",
                "api-key", "azure-key-value",
                "Ocp-Apim-Subscription-Key", "0123456789abcdef",
                "x-amz-security-token", "FQoGZXIvYXdzE",
                "Cookie", "session=abc",
                "x-max-tokens", "100",
                "anthropic-version", "2023-06-01"));
        assertThat(h.path("Proxy-Authorization").asString()).isEqualTo("[redacted]");
        assertThat(h.path("x-goog-api-key").asString()).isEqualTo("[redacted]");
        assertThat(h.path("api-key").asString()).isEqualTo("[redacted]");
        assertThat(h.path("Ocp-Apim-Subscription-Key").asString()).isEqualTo("[redacted]");
        assertThat(h.path("x-amz-security-token").asString()).isEqualTo("[redacted]");
        assertThat(h.path("Cookie").asString()).isEqualTo("[redacted]");
        assertThat(h.path("x-max-tokens").asString()).isEqualTo("100");
        assertThat(h.path("anthropic-version").asString()).isEqualTo("2023-06-01");

        JsonNode body = Redactor.body(("{\"max_tokens\":5,\"usage\":{\"input_tokens\":3,\"cache_read_input_tokens\":1},"
                        + "\"client_secret\":\"cs\",\"access_token\":\"at\",\"refresh_token\":\"rt\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(body.path("max_tokens").asInt()).isEqualTo(5);
        assertThat(body.at("/usage/input_tokens").asInt()).isEqualTo(3);
        assertThat(body.at("/usage/cache_read_input_tokens").asInt()).isEqualTo(1);
        assertThat(body.path("client_secret").asString()).isEqualTo("[redacted]");
        assertThat(body.path("access_token").asString()).isEqualTo("[redacted]");
        assertThat(body.path("refresh_token").asString()).isEqualTo("[redacted]");
    }

    @Test
    void redactsPasswordsInUrlsAndKeyValueSecretsInConfigValues() {
        assertThat(Redactor.value("redis://:s3cr3t@cache:6379/0", 512)).isEqualTo("redis://:[redacted]@cache:6379/0");
        assertThat(Redactor.value("https://user:pa55@api.example.com/v1", 512))
                .isEqualTo("https://user:[redacted]@api.example.com/v1");
        assertThat(Redactor.value("jdbc:postgresql://db:5432/relay?user=relay&password=hunter2&ssl=true", 512))
                .isEqualTo("jdbc:postgresql://db:5432/relay?user=relay&password=[redacted]&ssl=true");
        assertThat(Redactor.value("https://x.openai.azure.com/openai?api-version=2024-06-01&api-key=abc123", 512))
                .isEqualTo("https://x.openai.azure.com/openai?api-version=2024-06-01&api-key=[redacted]");
        assertThat(Redactor.value(
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p4ss\";",
                        512))
                .doesNotContain("p4ss")
                .contains("username=\"u\"");
        assertThat(Redactor.value("http://127.0.0.1:8190", 512)).isEqualTo("http://127.0.0.1:8190");
        assertThat(Redactor.value("3s", 512)).isEqualTo("3s");
        assertThat(Redactor.value("monkey=banana", 512)).isEqualTo("monkey=banana");
    }

    @Test
    void redactsStreamedEventsLineByLineAsJson() {
        String args = "x".repeat(1000);
        String sse = "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\""
                + args + "\"}}]}}],\"api_key\":\"leaked-value\"}\n\n"
                + "event: content_block_delta\n"
                + "data: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\""
                + args + "\"}}\n\n"
                + "data: {\"image\":\"data:image/png;base64," + "QUJD".repeat(500) + "\"}\n\n"
                + "data: [DONE]\n\n";
        JsonNode n = Redactor.body(sse.getBytes(StandardCharsets.UTF_8));
        assertThat(n.isString()).isTrue();
        String s = n.asString();
        assertThat(s)
                .doesNotContain("leaked-value")
                .doesNotContain("x".repeat(300))
                .doesNotContain("QUJDQUJD")
                .contains("[truncated")
                .contains("event: content_block_delta")
                .contains("data:image/png;base64,[")
                .endsWith("data: [DONE]\n\n");
    }

    @Test
    void reducesDataUrlsWithParametersBeforeTheEncoding() {
        String url = "data:image/png;name=cat.png;base64," + "QUJD".repeat(300);
        String r = Redactor.text("see " + url + " here", 5000);
        assertThat(r)
                .startsWith("see data:image/png;base64,[")
                .endsWith(" here")
                .doesNotContain("QUJDQUJD");
    }

    @Test
    void keepsACutOffLastEventAsText() {
        JsonNode n = Redactor.body(
                "data: {\"a\":1}\n\ndata: {\"text\":\"sk-ant-cutoff123456 and mo".getBytes(StandardCharsets.UTF_8));
        assertThat(n.asString()).startsWith("data: {\"a\":1}").doesNotContain("cutoff123456");
    }
}
