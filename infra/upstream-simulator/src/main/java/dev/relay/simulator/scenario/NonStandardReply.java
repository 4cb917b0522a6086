package dev.relay.simulator.scenario;

import dev.relay.simulator.content.JsonText;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * An answer in no provider's documented shape, as vendors and the proxies in front of them really send: an
 * {@code error} that is a plain string, a CDN's HTML error page, an empty body, a plain-text body.
 *
 * @param status HTTP status
 * @param contentType {@code content-type}
 * @param body the body (may be empty)
 * @param cdn whether to add the headers of a CDN edge ({@code server: cloudflare}, {@code cf-ray})
 */
public record NonStandardReply(int status, MediaType contentType, byte[] body, boolean cdn) {

    /** The plain-text body of {@link Behavior#TEXT}. */
    static final String TEXT_BODY = "OK: this upstream answered with plain text, not JSON.\n";

    private static final MediaType HTML = MediaType.parseMediaType("text/html; charset=UTF-8");
    private static final MediaType TEXT = MediaType.parseMediaType("text/plain; charset=utf-8");

    /** {@code {"error":"Invalid API key"}} (401) or another status' text: {@code error} is a string, not an object. */
    public static NonStandardReply errorString(int status) {
        String message = switch (status) {
            case 401 -> "Invalid API key";
            case 402 -> "Insufficient Balance";
            default -> reason(status);
        };
        StringBuilder out = new StringBuilder(48).append("{\"error\":");
        JsonText.quote(out, message).append('}');
        return new NonStandardReply(status, MediaType.APPLICATION_JSON, JsonText.utf8(out), false);
    }

    /** Cloudflare's HTML error page, e.g. {@code <title>403 Forbidden</title>}, {@code content-type: text/html}. */
    public static NonStandardReply cdnHtml(int status) {
        String title = status + " " + reason(status);
        String page = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                + "</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n";
        return new NonStandardReply(status, HTML, page.getBytes(StandardCharsets.UTF_8), true);
    }

    /** No body at all ({@code content-length: 0}), though {@code content-type: application/json}. */
    public static NonStandardReply empty(int status) {
        return new NonStandardReply(status, MediaType.APPLICATION_JSON, new byte[0], false);
    }

    /** A plain-text, non-JSON body. */
    public static NonStandardReply plainText(int status) {
        return new NonStandardReply(status, TEXT, TEXT_BODY.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Writes this answer straight to the response (used by the scenario filter). */
    public Mono<Void> write(ServerHttpResponse response) {
        response.setStatusCode(HttpStatusCode.valueOf(status));
        response.getHeaders().setContentType(contentType);
        response.getHeaders().setContentLength(body.length);
        if (cdn) {
            response.getHeaders().set("server", "cloudflare");
            response.getHeaders().set("cf-ray", "8f1c2d3e4a5b6c7d-SJC");
        }
        if (body.length == 0) {
            return response.setComplete();
        }
        return response.writeWith(
                Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    private static String reason(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known != null ? known.getReasonPhrase() : "Error";
    }
}
