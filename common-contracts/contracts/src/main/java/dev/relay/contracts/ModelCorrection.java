package dev.relay.contracts;

/** A requested model name corrected to what the upstream serves, and why (e.g. {@code case}, {@code vendor-prefix}). */
public record ModelCorrection(String requested, String corrected, String reason) {}
