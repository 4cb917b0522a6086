package dev.relay.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.gateway.GatewayIntegrationSupport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Raw-HTTP helpers shared by the client-API tests of this package: Anthropic-style calls ({@code x-api-key} +
 * {@code anthropic-version}), exact error-shape assertions for both APIs, SSE parsing, and admin-token calls to
 * {@code /internal/**}. One property set for every class here, so a single test run shares one Spring context.
 */
@TestPropertySource(properties = "relay.gateway.proxy.max-body-bytes=65536")
abstract class EdgeApiTestSupport extends GatewayIntegrationSupport {

    static final String ANTHROPIC_VERSION = "2023-06-01";

    /** {@code POST} the way Anthropic's SDK does: {@code x-api-key} and {@code anthropic-version}. */
    protected HttpResponse<String> anthropic(String path, String key, String body) {
        return post(
                path,
                null,
                body,
                key == null
                        ? Map.of("anthropic-version", ANTHROPIC_VERSION)
                        : Map.of("x-api-key", key, "anthropic-version", ANTHROPIC_VERSION));
    }

    /** A request with an arbitrary method and headers, no implicit auth. */
    protected HttpResponse<String> raw(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b);
    }

    /** {@code POST} with a chunked body (no {@code Content-Length}): the size limit must hold while reading. */
    protected HttpResponse<String> postChunked(String path, String body, Map<String, String> headers) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
        headers.forEach(b::header);
        return send(b);
    }

    /** {@code GET} with the admin token. */
    protected HttpResponse<String> internal(String path) {
        return raw("GET", path, null, Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return sendOnce(b.build());
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    // ------------------------------------------------------------------ error shapes

    /**
     * OpenAI's error shape, exactly: {@code {"error":{"message","type","param","code"}}} and nothing else, JSON
     * content type, non-blank message.
     */
    static JsonNode assertOpenAiError(HttpResponse<String> r, int status, String type, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode n = json(r.body());
        assertThat(n.propertyNames()).as(r.body()).containsExactly("error");
        JsonNode e = n.get("error");
        assertThat(e.propertyNames()).as(r.body()).containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(e.get("message").asString()).as(r.body()).isNotBlank();
        assertThat(e.get("type").asString()).as(r.body()).isEqualTo(type);
        if (code != null) {
            assertThat(e.get("code").asString()).as(r.body()).isEqualTo(code);
        }
        return e;
    }

    /** Anthropic's error shape, exactly: {@code {"type":"error","error":{"type","message"}}}. */
    static JsonNode assertAnthropicError(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode n = json(r.body());
        assertThat(n.propertyNames()).as(r.body()).containsExactlyInAnyOrder("type", "error");
        assertThat(n.get("type").asString()).isEqualTo("error");
        JsonNode e = n.get("error");
        assertThat(e.propertyNames()).as(r.body()).containsExactlyInAnyOrder("type", "message");
        assertThat(e.get("type").asString()).as(r.body()).isEqualTo(type);
        assertThat(e.get("message").asString()).as(r.body()).isNotBlank();
        return e;
    }

    // ------------------------------------------------------------------ SSE

    /** The JSON payloads of {@code data:} lines of an SSE body ({@code [DONE]} skipped). */
    static List<JsonNode> sseData(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                String d = line.substring(5).trim();
                if (!d.isEmpty() && !d.equals("[DONE]")) {
                    out.add(json(d));
                }
            }
        }
        return out;
    }

    /** The {@code event:} names of an SSE body, in order. */
    static List<String> sseEvents(String body) {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("event:")) {
                out.add(line.substring(6).trim());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ requests

    static String chat(String model, boolean stream, String userText) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.writeValueAsString(userText) + "}]}";
    }

    static String messages(String model, boolean stream, String userText) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(userText) + "}]}";
    }

    /** The recorded upstream request bodies of a scenario, parsed. */
    protected List<JsonNode> simBodies(String scenario) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode r : simRequests(scenario)) {
            out.add(json(r.get("body").asString()));
        }
        return out;
    }
}
