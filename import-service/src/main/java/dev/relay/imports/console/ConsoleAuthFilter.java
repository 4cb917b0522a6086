package dev.relay.imports.console;

import dev.relay.imports.ImportProperties;
import dev.relay.imports.web.OperatorAuthFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The console's door: a login page takes the operator token once and starts a session (the servlet container's
 * HttpOnly cookie, SameSite=Strict), so no token ever sits in a URL or a page. Every console page needs the session
 * (else a redirect to the login page); every change (POST) also needs the session's CSRF token ({@code _csrf} form
 * field or {@code X-Csrf-Token} header, which htmx sends). Assets (WebJars, the console's CSS/JS) are public.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class ConsoleAuthFilter extends OncePerRequestFilter {

    static final String OPERATOR = "relay.console.operator";
    static final String CSRF = "relay.console.csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] token;

    public ConsoleAuthFilter(ImportProperties properties) {
        String t = properties.operatorToken();
        this.token = t == null || t.isBlank() ? null : t.getBytes(StandardCharsets.UTF_8);
    }

    /** Only the paths the console owns ({@link OperatorAuthFilter#consolePath}, which leaves them to this filter). */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !OperatorAuthFilter.consolePath(request.getServletPath());
    }

    /** Whether the presented token is the operator token (constant time). */
    boolean valid(String presented) {
        return token != null
                && presented != null
                && MessageDigest.isEqual(token, presented.trim().getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a fresh session (a new id: no fixation) for a logged-in operator; returns its CSRF token. */
    static String login(HttpServletRequest request) {
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        HttpSession s = request.getSession(true);
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        String csrf = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        s.setAttribute(OPERATOR, Boolean.TRUE);
        s.setAttribute(CSRF, csrf);
        return csrf;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getServletPath();
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "same-origin");
        if (path.startsWith("/webjars/") || path.startsWith("/console/assets/") || path.equals("/console/login")) {
            response.setHeader("X-Frame-Options", "DENY");
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader(
                "Content-Security-Policy",
                "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
        HttpSession s = request.getSession(false);
        boolean in = s != null && Boolean.TRUE.equals(s.getAttribute(OPERATOR));
        if (!in) {
            if ("GET".equals(request.getMethod())) {
                String next = path.equals("/") ? "/console/runs" : path;
                response.sendRedirect("/console/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            } else {
                response.sendError(401, "log in first");
            }
            return;
        }
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            String expected = (String) s.getAttribute(CSRF);
            String presented = request.getHeader("X-Csrf-Token");
            if (presented == null) {
                presented = request.getParameter("_csrf");
            }
            if (expected == null
                    || presented == null
                    || !MessageDigest.isEqual(
                            expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
                response.sendError(403, "this form is stale: reload the page");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
