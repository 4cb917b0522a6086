package dev.relay.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.relay.gateway.config.ConfigException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import tools.jackson.databind.JsonNode;

class AdminJsonTests {

    @Test
    void mergePatchReplacesMergesObjectsAndRemovesNulls() {
        JsonNode target = tree("{\"a\":1,\"m\":{\"x\":\"1\",\"y\":\"2\"},\"l\":[1,2],\"r\":\"gone\"}");
        JsonNode patch = tree("{\"a\":2,\"m\":{\"y\":null,\"z\":\"3\"},\"l\":[3],\"r\":null}");

        assertThat(AdminJson.mergePatch(target, patch))
                .isEqualTo(tree("{\"a\":2,\"m\":{\"x\":\"1\",\"z\":\"3\"},\"l\":[3]}"));
    }

    @Test
    void rejectsInvalidJsonWithoutEchoingTheBody() {
        ConfigException ex = catchThrowableOfType(
                ConfigException.class, () -> AdminJson.object(json(), bytes("{\"credential\": \"sk-abc"), true));
        assertThat(ex.code()).isEqualTo("invalid_json");
        assertThat(ex.getMessage()).doesNotContain("sk-abc");
    }

    @Test
    void rejectsDuplicateFields() {
        ConfigException ex = catchThrowableOfType(
                ConfigException.class, () -> AdminJson.object(json(), bytes("{\"a\":\"1\",\"a\":\"2\"}"), true));
        assertThat(ex.getMessage()).contains("duplicate");
    }

    @Test
    void rejectsANonJsonContentTypeWith415() {
        MockServerHttpRequest request = MockServerHttpRequest.post("/admin/v1/groups")
                .header("Content-Type", "text/plain")
                .build();
        AdminException ex =
                catchThrowableOfType(AdminException.class, () -> AdminJson.object(request, bytes("{}"), true));
        assertThat(ex.error().status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    }

    @Test
    void acceptsMergePatchJsonAndAnEmptyOptionalBody() {
        MockServerHttpRequest request = MockServerHttpRequest.patch("/admin/v1/groups/g")
                .header("Content-Type", "application/merge-patch+json")
                .build();
        assertThat(AdminJson.object(request, bytes("{\"name\":\"x\"}"), true)
                        .get("name")
                        .stringValue())
                .isEqualTo("x");
        assertThat(AdminJson.object(MockServerHttpRequest.post("/x").build(), null, false))
                .isEmpty();
    }

    @Test
    void requiresABodyWhereOneIsNeeded() {
        ConfigException ex =
                catchThrowableOfType(ConfigException.class, () -> AdminJson.object(json(), new byte[0], true));
        assertThat(ex.code()).isEqualTo("missing_body");
    }

    private static MockServerHttpRequest json() {
        return MockServerHttpRequest.post("/admin/v1/channels")
                .header("Content-Type", "application/json")
                .build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode tree(String s) {
        return AdminJson.MAPPER.readTree(s);
    }
}
