package dev.relay.gateway.admin;

import dev.relay.gateway.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Renders every failure under {@code /admin/**} (from handlers and from the framework: unknown path, wrong method) in
 * the admin error shape. Unexpected failures become a generic 500: their messages are logged, never returned.
 */
public class AdminErrorHandler implements WebExceptionHandler, Ordered {

    /** Before Spring Boot's own error handler (-1). */
    public static final int ORDER = -10;

    private static final Logger log = LoggerFactory.getLogger(AdminErrorHandler.class);

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (!AdminPaths.isAdmin(exchange.getRequest()) || exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        return AdminAuthWebFilter.write(exchange.getResponse(), toError(ex, exchange));
    }

    static AdminError toError(Throwable ex, ServerWebExchange exchange) {
        if (ex instanceof ConfigException c) {
            return AdminError.of(c);
        }
        if (ex instanceof AdminException a) {
            return a.error();
        }
        if (ex instanceof ServerWebInputException in) {
            return AdminError.invalid("invalid_request", null, "the request could not be read: " + in.getReason());
        }
        if (ex instanceof ResponseStatusException rs) {
            HttpStatus status = HttpStatus.resolve(rs.getStatusCode().value());
            if (status == null) {
                status = HttpStatus.INTERNAL_SERVER_ERROR;
            }
            String message = status == HttpStatus.NOT_FOUND
                    ? "no admin endpoint " + method(exchange) + " " + path(exchange)
                    : rs.getReason() != null ? rs.getReason() : status.getReasonPhrase();
            return new AdminError(
                    status, AdminError.typeOf(status), status.name().toLowerCase(java.util.Locale.ROOT), null, message);
        }
        if (ex instanceof DataAccessResourceFailureException
                || ex instanceof TransientDataAccessException
                || ex instanceof CannotCreateTransactionException) {
            log.warn("admin {} {}: database unavailable: {}", method(exchange), path(exchange), ex.toString());
            return new AdminError(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "service_unavailable_error",
                    "database_unavailable",
                    null,
                    "the configuration database is unavailable; retry later");
        }
        log.error("admin {} {} failed", method(exchange), path(exchange), ex);
        return new AdminError(HttpStatus.INTERNAL_SERVER_ERROR, "api_error", "internal_error", null, "internal error");
    }

    private static String method(ServerWebExchange exchange) {
        return exchange.getRequest().getMethod().name();
    }

    private static String path(ServerWebExchange exchange) {
        return exchange.getRequest().getPath().value();
    }
}
