package dev.relay.simulator.scenario;

import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebExchange;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the web filters leave on the exchange for the handlers: the request body (read once, by the recorder), the
 * resolved {@link Scenario}, the {@link ApiFlavor} and, under a vendor base path, the path as received.
 */
public final class SimExchange {

    public static final String BODY = SimExchange.class.getName() + ".body";
    public static final String SCENARIO = SimExchange.class.getName() + ".scenario";
    public static final String FLAVOR = SimExchange.class.getName() + ".flavor";
    /** The path as received, when a vendor base path ({@code /compatible-mode/v1/...}) was rewritten to {@code /v1}. */
    public static final String ORIGINAL_PATH = SimExchange.class.getName() + ".originalPath";
    /** A {@link Runnable} to run when the client cancels the response body (set by the recorder). */
    public static final String ON_BODY_CANCEL = SimExchange.class.getName() + ".onBodyCancel";

    private static final byte[] EMPTY = new byte[0];
    private static final JsonMapper MAPPER = JsonMapper.shared();

    private SimExchange() {}

    public static void putBody(ServerWebExchange exchange, byte[] body) {
        exchange.getAttributes().put(BODY, body);
    }

    public static byte[] body(ServerRequest request) {
        return request.exchange().getAttributeOrDefault(BODY, EMPTY);
    }

    public static Scenario scenario(ServerRequest request) {
        Scenario scenario = request.exchange().getAttribute(SCENARIO);
        if (scenario == null) {
            throw new IllegalStateException("no scenario resolved for " + request.path());
        }
        return scenario;
    }

    /** Runs the {@link #ON_BODY_CANCEL} hook, if any. */
    static void bodyCancelled(ServerRequest request) {
        Object hook = request.exchange().getAttribute(ON_BODY_CANCEL);
        if (hook instanceof Runnable runnable) {
            runnable.run();
        }
    }

    /** The path as the client sent it (before a vendor base path was rewritten to {@code /v1}). */
    public static String originalPath(ServerWebExchange exchange) {
        String original = exchange.getAttribute(ORIGINAL_PATH);
        return original != null ? original : exchange.getRequest().getPath().value();
    }

    public static ApiFlavor flavor(ServerRequest request) {
        return request.exchange().getAttributeOrDefault(FLAVOR, ApiFlavor.OPENAI);
    }

    /** The body as a JSON object, or null when it is not one. */
    public static JsonNode json(ServerRequest request) {
        byte[] body = body(request);
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }
}
