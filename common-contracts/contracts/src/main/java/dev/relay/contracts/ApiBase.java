package dev.relay.contracts;

/** One protocol an upstream speaks and the API base it speaks it under (vendors often serve both, on different paths). */
public record ApiBase(Protocol protocol, String baseUrl) {}
