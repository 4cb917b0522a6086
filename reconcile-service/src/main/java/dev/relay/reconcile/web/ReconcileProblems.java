package dev.relay.reconcile.web;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error of the reconcile API as RFC 9457 {@code application/problem+json} with a machine-readable {@code code},
 * in the operator front's house style ({@code type} = {@code https://relay.dev/problems/<code>}).
 */
@RestControllerAdvice
public class ReconcileProblems {

    private static final Logger log = LoggerFactory.getLogger(ReconcileProblems.class);

    static ProblemDetail of(HttpStatus status, String code, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("https://relay.dev/problems/" + code));
        p.setTitle(status.getReasonPhrase());
        p.setProperty("code", code);
        return p;
    }

    /** A problem answered from a handler. */
    static final class ProblemException extends RuntimeException {
        private final transient ProblemDetail problem;

        ProblemException(HttpStatus status, String code, String detail) {
            super(detail);
            this.problem = of(status, code, detail);
        }
    }

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException ex) {
        return respond(ex.problem);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException ex) {
        return respond(of(HttpStatus.BAD_REQUEST, "malformed_body", "the request body is not valid JSON"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException ex) {
        return respond(of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send application/json"));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException ex) {
        return respond(of(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed", ex.getMessage()));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NoResourceFoundException ex) {
        return respond(of(HttpStatus.NOT_FOUND, "not_found", "no such path"));
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class})
    ResponseEntity<ProblemDetail> badParameter(Exception ex) {
        return respond(of(HttpStatus.BAD_REQUEST, "invalid_parameter", ex.getMessage()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception ex) {
        log.error("unexpected error in the reconcile API", ex);
        return respond(of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "an internal error occurred"));
    }

    static ResponseEntity<ProblemDetail> respond(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }
}
