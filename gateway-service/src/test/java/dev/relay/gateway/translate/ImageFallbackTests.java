package dev.relay.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ImageFallbackTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void replacesEveryChatImagePartWithATextPlaceholder() {
        byte[] body = bytes("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"high"}}]},
                 {"role":"assistant","content":"A cat."},
                 {"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}""");

        JsonNode messages = JSON.readTree(ImageFallback.chat(body)).path("messages");

        assertThat(ImageFallback.hasImages(body)).isTrue();
        assertThat(messages.get(0).path("content").get(0).path("text").stringValue())
                .isEqualTo("What is this?");
        assertThat(messages.get(0).path("content").get(1).toString())
                .isEqualTo("{\"type\":\"text\",\"text\":\"[image]\"}");
        assertThat(messages.get(1).path("content").stringValue()).isEqualTo("A cat.");
        assertThat(messages.get(2).path("content").get(0).toString())
                .isEqualTo("{\"type\":\"text\",\"text\":\"[image]\"}");
    }

    @Test
    void returnsTheSameArrayWhenAChatBodyHasNoImage() {
        byte[] plain = bytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        byte[] mentionsImageUrl = bytes("""
                {"model":"m","messages":[{"role":"user","content":"the \\"image_url\\" field"}],
                 "tools":[{"type":"function","function":{"name":"fetch","parameters":{"type":"object",
                   "properties":{"image_url":{"type":"string"}}}}}]}""");

        assertThat(ImageFallback.chat(plain)).isSameAs(plain);
        assertThat(ImageFallback.chat(mentionsImageUrl)).isSameAs(mentionsImageUrl);
        assertThat(ImageFallback.hasImages(plain)).isFalse();
        assertThat(ImageFallback.hasImages(mentionsImageUrl)).isFalse();
    }

    @Test
    void replacesAnthropicImageBlocksAlsoInsideToolResults() {
        byte[] body = bytes("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
                  {"type":"text","text":"and this?"}]},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"screenshot","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[
                   {"type":"image","source":{"type":"url","url":"https://x/y.png"}},{"type":"text","text":"done"}]}]}]}""");

        JsonNode messages = JSON.readTree(ImageFallback.messages(body)).path("messages");

        assertThat(ImageFallback.hasImages(body)).isTrue();
        assertThat(messages.get(0).path("content").get(0).toString())
                .isEqualTo("{\"type\":\"text\",\"text\":\"[image]\"}");
        assertThat(messages.get(0).path("content").get(1).path("text").stringValue())
                .isEqualTo("and this?");
        JsonNode result = messages.get(2).path("content").get(0);
        assertThat(result.path("tool_use_id").stringValue()).isEqualTo("t1");
        assertThat(result.path("content").get(0).toString()).isEqualTo("{\"type\":\"text\",\"text\":\"[image]\"}");
        assertThat(result.path("content").get(1).path("text").stringValue()).isEqualTo("done");
    }

    @Test
    void returnsTheSameArrayWhenAMessagesBodyHasNoImage() {
        byte[] body = bytes("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"an \\"image\\" please"}]}""");

        assertThat(ImageFallback.messages(body)).isSameAs(body);
        assertThat(ImageFallback.hasImages(body)).isFalse();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
