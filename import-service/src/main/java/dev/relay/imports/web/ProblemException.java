package dev.relay.imports.web;

import org.springframework.http.ProblemDetail;

/** Thrown by handlers to answer with a problem detail. */
public class ProblemException extends RuntimeException {

    private final transient ProblemDetail problem;

    public ProblemException(ProblemDetail problem) {
        super(problem.getDetail());
        this.problem = problem;
    }

    public ProblemDetail problem() {
        return problem;
    }
}
