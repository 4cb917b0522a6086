package dev.relay.simulator.scenario;

import org.springframework.http.HttpHeaders;

/** Which provider's wire shapes (bodies, errors, headers) a request is answered in. */
public enum ApiFlavor {
    OPENAI,
    ANTHROPIC;

    /**
     * {@code /v1/messages...} is Anthropic; {@code /v1/models...} is Anthropic when the caller sends
     * {@code anthropic-version} or authenticates with {@code x-api-key}; everything else is OpenAI.
     */
    public static ApiFlavor of(String path, HttpHeaders headers) {
        if (path.startsWith("/v1/messages")) {
            return ANTHROPIC;
        }
        if (path.startsWith("/v1/models")
                && (headers.getFirst("anthropic-version") != null || headers.getFirst("x-api-key") != null)) {
            return ANTHROPIC;
        }
        return OPENAI;
    }
}
