package dev.relay.contracts;

/** An advisory the operator should see; the item goes on (e.g. {@code WARMUP_403}, {@code POSSIBLE_DUPLICATE}). */
public record Warning(String code, String message) {}
