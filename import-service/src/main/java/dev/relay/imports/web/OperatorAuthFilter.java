package dev.relay.imports.web;

import dev.relay.imports.ImportProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator credential on every path but the actuator's: {@code Authorization: Bearer <RELAY_OPERATOR_TOKEN>},
 * compared in constant time. Deny by default, judged on the decoded, normalised servlet path (so {@code /%61pi/...}
 * or {@code /api;x/...}, which Spring MVC would route to the API, are not a way around it). Health and metrics stay
 * open. A missing or wrong token is a 401 problem; no token is ever logged.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class OperatorAuthFilter extends OncePerRequestFilter {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final byte[] token;

    public OperatorAuthFilter(ImportProperties properties) {
        String t = properties.operatorToken();
        this.token = t == null || t.isBlank() ? null : t.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The paths the console owns: it has its own door (a login session, the console's {@code ConsoleAuthFilter}), so
     * this filter leaves them to it. Decided here, where the operator API's door is, so the console depends on the web
     * layer and never the other way round.
     */
    public static boolean consolePath(String path) {
        return path.equals("/")
                || path.equals("/console")
                || path.startsWith("/console/")
                || path.startsWith("/webjars/");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getServletPath();
        return path.equals("/actuator") || path.startsWith("/actuator/") || consolePath(path);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String auth = request.getHeader("Authorization");
        byte[] presented = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8)
                : null;
        if (token == null || presented == null || !MessageDigest.isEqual(token, presented)) {
            String detail = token == null
                    ? "the operator front has no RELAY_OPERATOR_TOKEN configured and refuses every call"
                    : "a valid operator token is required (Authorization: Bearer ...)";
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setHeader("WWW-Authenticate", "Bearer");
            java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("type", "https://relay.dev/problems/unauthorized");
            body.put("title", "Unauthorized");
            body.put("status", 401);
            body.put("detail", detail);
            body.put("code", "unauthorized");
            response.getOutputStream().write(JSON.writeValueAsBytes(body));
            return;
        }
        chain.doFilter(request, response);
    }
}
