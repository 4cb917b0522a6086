package dev.relay.contracts;

/**
 * One call a probe made, as evidence: method, path (no query, no host), status (null when no answer), latency and a
 * redacted preview of the answer (at most 200 characters, secrets removed).
 */
public record ProbeCall(String method, String path, Integer status, long latencyMillis, String preview) {}
